// Properties every rendering must keep, over arbitrary plans: the closing line, a legend of
// exactly the symbols used, colour that only adds escapes, and a schema-valid JSON document.
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { TARGETS } from "../../src/catalog/targets.js";
import type { Action, Change, Plan, Reason, RegistrationAttributes } from "../../src/plan/types.js";
import { projectPlan } from "../../src/views/plan-json.js";
import { renderPlan, withRendered } from "../../src/views/plan-text.js";
import {
  ACTION_LEGEND,
  ACTION_SYMBOLS,
  LEGEND_HEADER,
  NO_CHANGES,
} from "../../src/views/strings.js";
import { colourStyle, plainStyle } from "../../src/views/style.js";
import { CONTEXT, emptyPlan } from "./fixtures.js";

const validatePlan = new Ajv2020({ strict: true }).compile(
  JSON.parse(
    readFileSync(new URL("../../schemas/qus.plan.schema.json", import.meta.url), "utf8"),
  ) as object,
);

const action = fc.constantFrom<Action>("create", "update", "replace", "delete");
const hexByte = fc.integer({ min: 0, max: 255 }).map((n) => n.toString(16).padStart(2, "0"));
const sha256 = fc.array(hexByte, { minLength: 32, maxLength: 32 }).map((bytes) => bytes.join(""));
const text = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() === s && s !== "");
const flags = fc.subarray(["P", "O", "C", "F"]).map((chosen) => chosen.join(""));

const attributes: fc.Arbitrary<RegistrationAttributes> = fc.record({
  type: fc.constant("M" as const),
  interpreter: text,
  flags,
  offset: fc.nat({ max: 100 }),
  magic: fc.constantFrom(...TARGETS.map((t) => t.magic)),
  mask: fc.option(fc.constantFrom(...TARGETS.map((t) => t.mask)), { nil: null }),
  enabled: fc.boolean(),
});

const reason: fc.Arbitrary<Reason> = fc.record(
  {
    attribute: fc.constantFrom("flags", "interpreter", "mask", "enabled", "offset", "emulator"),
    before: fc.option(text, { nil: null }),
    after: fc.option(text, { nil: null }),
    forcesReplacement: fc.boolean(),
    note: text,
  },
  { requiredKeys: ["attribute", "before", "after", "forcesReplacement"] },
);

const registrationChange: fc.Arbitrary<Change> = fc
  .record({
    action,
    name: text,
    before: attributes,
    after: attributes,
    reasons: fc.array(reason, { maxLength: 4 }),
  })
  .map(({ action, name, before, after, reasons }) => ({
    kind: "registration",
    address: name,
    action,
    before: action === "create" ? null : before,
    after: action === "delete" ? null : after,
    reasons: action === "create" || action === "delete" ? [] : reasons,
  }));

const emulatorChange: fc.Arbitrary<Change> = fc
  .record({ action, path: text, old: sha256, neu: sha256, size: fc.nat(), origin: text })
  .map(({ action, path, old, neu, size, origin }) => ({
    kind: "emulator",
    address: path,
    action,
    before: action === "create" ? null : { sha256: old },
    after: action === "delete" ? null : { sha256: neu, size, origin },
    reasons:
      action === "replace"
        ? [{ attribute: "sha256", before: old, after: neu, forcesReplacement: true }]
        : [],
  }));

const mount: Change = {
  kind: "mount",
  address: "/b",
  action: "create",
  before: null,
  after: null,
  reasons: [],
};

const plan: fc.Arbitrary<Plan> = fc
  .record({
    mounted: fc.boolean(),
    changes: fc.array(fc.oneof(registrationChange, emulatorChange), { maxLength: 8 }),
    unchanged: fc.nat({ max: 40 }),
    warnings: fc.array(text, { maxLength: 2 }),
    notes: fc.array(text, { maxLength: 2 }),
  })
  .map(({ mounted, changes, unchanged, warnings, notes }) => {
    const all = mounted ? changes : [mount, ...changes];
    const count = (a: Action) => all.filter((c) => c.action === a).length;
    return emptyPlan({
      changes: all,
      unchanged,
      warnings,
      notes,
      summary: {
        add: count("create") + count("replace"),
        change: count("update"),
        destroy: count("delete") + count("replace"),
      },
    });
  });

describe("any plan", () => {
  test("ends with its Plan line, or says No changes", () => {
    fc.assert(
      fc.property(plan, (p) => {
        const lines = renderPlan(projectPlan(p, CONTEXT), plainStyle).trimEnd().split("\n");
        if (p.changes.length === 0) expect(lines[0]).toBe(NO_CHANGES);
        else
          expect(lines.at(-1)).toBe(
            `Plan: ${p.summary.add} to add, ${p.summary.change} to change, ${p.summary.destroy} to destroy.`,
          );
      }),
      { numRuns: 150 },
    );
  });

  test("has a legend of exactly the symbols its changes use", () => {
    fc.assert(
      fc.property(plan, (p) => {
        const lines = renderPlan(projectPlan(p, CONTEXT), plainStyle).split("\n");
        const used = new Set(p.changes.map((c) => c.action));
        const legend = lines.indexOf(LEGEND_HEADER);
        if (used.size === 0) {
          expect(legend).toBe(-1);
          return;
        }
        expect(legend).toBe(0);
        const listed = lines.slice(1, lines.indexOf("")).map((line) => line.trimStart());
        const expected = (["create", "update", "replace", "delete"] as const)
          .filter((a) => used.has(a))
          .map((a) => `${ACTION_SYMBOLS[a]} ${ACTION_LEGEND[a]}`);
        expect(listed).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  test("prints one `#` comment line per change", () => {
    fc.assert(
      fc.property(plan, (p) => {
        const lines = renderPlan(projectPlan(p, CONTEXT), plainStyle).split("\n");
        expect(lines.filter((line) => line.startsWith("  # ")).length).toBe(p.changes.length);
      }),
      { numRuns: 150 },
    );
  });

  test("coloured, only adds escapes to the plain text; plain has none", () => {
    fc.assert(
      fc.property(plan, (p) => {
        const doc = projectPlan(p, CONTEXT);
        const plain = renderPlan(doc, plainStyle);
        expect(plain).not.toContain("\x1b");
        expect(renderPlan(doc, colourStyle).replace(/\x1b\[[0-9;]*m/g, "")).toBe(plain);
      }),
      { numRuns: 150 },
    );
  });

  test("projects to a document the published schema accepts", () => {
    fc.assert(
      fc.property(plan, (p) => {
        const doc = JSON.parse(JSON.stringify(withRendered(projectPlan(p, CONTEXT)))) as unknown;
        expect(validatePlan(doc), JSON.stringify(validatePlan.errors)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
