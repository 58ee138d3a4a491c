// The schemas in schemas/ are what `--json` users code against: every document the views
// project must validate, and documents that break the contract must not.
import { readFileSync } from "node:fs";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { describe, expect, test } from "vitest";
import type { Change, Plan } from "../../src/plan/types.js";
import { projectPlan } from "../../src/views/plan-json.js";
import { withRendered } from "../../src/views/plan-text.js";
import { projectStatus, withRenderedStatus } from "../../src/views/status.js";
import * as fixtures from "./fixtures.js";

function compile(file: string): ValidateFunction {
  const schema: unknown = JSON.parse(
    readFileSync(new URL(`../../schemas/${file}`, import.meta.url), "utf8"),
  );
  // strict: an unknown keyword or a loose type in the schema itself is an error, not a log line.
  return new Ajv2020({ strict: true, allErrors: true }).compile(schema as object);
}

const validatePlan = compile("qus.plan.schema.json");
const validateStatus = compile("qus.status.schema.json");

function expectValid(validate: ValidateFunction, doc: unknown): void {
  const ok = validate(doc);
  expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
  expect(ok).toBe(true);
}

function planDoc(plan: Plan): Record<string, unknown> {
  return JSON.parse(JSON.stringify(withRendered(projectPlan(plan, fixtures.CONTEXT)))) as Record<
    string,
    unknown
  >;
}

const singleChanges: Record<string, Change> = {
  mount: fixtures.mountChange,
  createEmulator: fixtures.createAarch64Emulator,
  replaceEmulator: fixtures.replaceAarch64Emulator,
  deleteEmulator: fixtures.deleteMipsEmulator,
  createRegistration: fixtures.createAarch64Registration,
  enable: fixtures.enableArm,
  disable: fixtures.disableS390x,
  replaceRegistration: fixtures.replaceRiscv64,
  repin: fixtures.repinAarch64,
  deleteRegistration: fixtures.deleteMipsRegistration,
};

describe("qus.plan.schema.json", () => {
  test.each([
    ["first apply", fixtures.firstApplyPlan],
    ["mixed", fixtures.mixedPlan],
    ["converged", fixtures.convergedPlan],
    ["empty", fixtures.emptyPlan()],
  ])("accepts the projected %s plan", (_name, plan) => {
    expectValid(validatePlan, planDoc(plan));
  });

  test.each(Object.entries(singleChanges))(
    "accepts a plan with only the %s change",
    (_name, change) => {
      expectValid(validatePlan, planDoc(fixtures.emptyPlan({ changes: [change] })));
    },
  );

  test("accepts a run without a config file (embedded default)", () => {
    const doc = withRendered(
      projectPlan(fixtures.firstApplyPlan, { ...fixtures.CONTEXT, configFile: null }),
    );
    expectValid(validatePlan, doc);
  });

  test("requires the rendered text", () => {
    const { rendered: _text, ...doc } = planDoc(fixtures.mixedPlan);
    expect(validatePlan(doc)).toBe(false);
  });

  test("rejects a symbol that does not match the action", () => {
    const doc = planDoc(fixtures.mixedPlan);
    const changes = doc.changes as Record<string, unknown>[];
    changes[2] = { ...changes[2], symbol: "-/+" };
    expect(validatePlan(doc)).toBe(false);
  });

  test("rejects a create that has a before, or a delete that has an after", () => {
    const create = planDoc(fixtures.emptyPlan({ changes: [fixtures.createAarch64Registration] }));
    const [c] = create.changes as Record<string, unknown>[];
    (create.changes as unknown[])[0] = { ...c, before: c?.after };
    expect(validatePlan(create)).toBe(false);

    const remove = planDoc(fixtures.emptyPlan({ changes: [fixtures.deleteMipsRegistration] }));
    const [d] = remove.changes as Record<string, unknown>[];
    (remove.changes as unknown[])[0] = { ...d, after: d?.before };
    expect(validatePlan(remove)).toBe(false);
  });

  test("rejects unknown keys, so the schema and the code cannot drift apart silently", () => {
    expect(validatePlan({ ...planDoc(fixtures.mixedPlan), extra: 1 })).toBe(false);
    const doc = planDoc(fixtures.emptyPlan({ changes: [fixtures.createAarch64Emulator] }));
    (doc.changes as unknown[])[0] = {
      ...(doc.changes as object[])[0],
      fetch: { kind: "file", path: "/x" },
    };
    expect(validatePlan(doc)).toBe(false);
  });

  test("rejects a malformed sha256, flags out of order, or odd-length hex", () => {
    const bad = (change: Change) => planDoc(fixtures.emptyPlan({ changes: [change] }));
    expect(
      validatePlan(
        bad({ ...fixtures.createAarch64Emulator, after: { sha256: "ABC", origin: "x" } }),
      ),
    ).toBe(false);
    expect(
      validatePlan(
        bad({
          ...fixtures.createAarch64Registration,
          after: fixtures.registration("arm", { flags: "FP" }),
        }),
      ),
    ).toBe(false);
    expect(
      validatePlan(
        bad({
          ...fixtures.createAarch64Registration,
          after: fixtures.registration("arm", { magic: "7f4" }),
        }),
      ),
    ).toBe(false);
  });

  test("rejects another format version", () => {
    expect(validatePlan({ ...planDoc(fixtures.mixedPlan), format_version: "2" })).toBe(false);
  });
});

describe("qus.status.schema.json", () => {
  const aarch64 = {
    name: "qemu-aarch64",
    enabled: true,
    type: "M" as const,
    interpreter: "/usr/local/lib/qus/qemu-aarch64",
    flags: "POF",
    offset: 0,
    ...fixtures.pattern("aarch64"),
  };
  const jar = {
    name: "jar",
    enabled: false,
    type: "E" as const,
    interpreter: "/usr/bin/jexec",
    flags: "",
    offset: 0,
    magic: "",
    mask: null,
    extension: "jar",
  };
  const base = {
    binfmtDir: fixtures.BINFMT_DIR,
    mounted: true,
    enabledGlobally: true,
    prefix: "qemu-",
  };
  const state = {
    version: 1 as const,
    emulators: {},
    registrations: {
      "qemu-aarch64": { interpreter: aarch64.interpreter, sha256: fixtures.SHA_AARCH64 },
    },
  };

  test("accepts a mounted instance with M and E entries and a state record", () => {
    expectValid(
      validateStatus,
      withRenderedStatus(projectStatus({ ...base, entries: [aarch64, jar], state })),
    );
  });

  test("accepts an unmounted instance", () => {
    expectValid(
      validateStatus,
      withRenderedStatus(
        projectStatus({ ...base, mounted: false, enabledGlobally: false, entries: [] }),
      ),
    );
  });

  test("requires rendered and rejects unknown keys", () => {
    const doc = projectStatus({ ...base, entries: [aarch64] });
    expect(validateStatus(doc)).toBe(false);
    expect(validateStatus({ ...withRenderedStatus(doc), extra: true })).toBe(false);
  });
});
