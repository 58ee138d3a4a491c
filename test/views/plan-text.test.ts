import { describe, expect, test } from "vitest";
import type { Change, Plan } from "../../src/plan/types.js";
import type { PlanDocument } from "../../src/views/plan-document.js";
import { projectPlan } from "../../src/views/plan-json.js";
import {
  renderApplyComplete,
  renderDestroyComplete,
  renderPlan,
  withRendered,
} from "../../src/views/plan-text.js";
import * as strings from "../../src/views/strings.js";
import { colourStyle, plainStyle } from "../../src/views/style.js";
import {
  CONTEXT,
  SHA_AARCH64,
  SHA_AARCH64_OLD,
  SHA_MIPS,
  convergedPlan,
  createAarch64Emulator,
  createAarch64Registration,
  deleteMipsEmulator,
  deleteMipsRegistration,
  disableS390x,
  emptyPlan,
  enableArm,
  firstApplyPlan,
  mixedPlan,
  mountChange,
  pattern,
  replaceAarch64Emulator,
  replaceRiscv64,
  repinAarch64,
} from "./fixtures.js";

const ANSI = /\x1b\[[0-9;]*m/g;

function doc(plan: Plan): PlanDocument {
  return projectPlan(plan, CONTEXT);
}

function text(plan: Plan): string {
  return renderPlan(doc(plan), plainStyle);
}

function lines(plan: Plan): string[] {
  return text(plan).trimEnd().split("\n");
}

/** A plan holding just these changes, with the summary the planner would compute. */
function planOf(...changes: Change[]): Plan {
  const count = (action: Change["action"]) =>
    changes.filter((change) => change.action === action).length;
  return emptyPlan({
    changes,
    summary: {
      add: count("create") + count("replace"),
      change: count("update"),
      destroy: count("delete") + count("replace"),
    },
  });
}

/** The legend's symbol lines (between its header and the first blank line). */
function legendOf(plan: Plan): string[] {
  const all = lines(plan);
  const start = all.indexOf(strings.LEGEND_HEADER);
  expect(start, "legend header").toBe(0);
  return all.slice(start + 1, all.indexOf("", start));
}

describe("full renderings (read these as a user would)", () => {
  test("first apply on a fresh host: mount, install, register", () => {
    expect(text(firstApplyPlan)).toMatchInlineSnapshot(`
      "Resource actions are indicated with the following symbols:
        + create

      qus will perform the following actions:

        # binfmt_misc will be mounted at /proc/sys/fs/binfmt_misc
        + mount "/proc/sys/fs/binfmt_misc"

        # emulator "/usr/local/lib/qus/qemu-aarch64" will be installed
        + emulator "/usr/local/lib/qus/qemu-aarch64"
            + sha256: "3f1a9c0e5b7d2468ace13579bdf02468ace13579bdf02468ace13579bdf0aa11"
            + size:   5453184
            + origin: "/usr/bin/qemu-aarch64-static"

        # registration "qemu-aarch64" will be registered
        + registration "qemu-aarch64"
            + type:        "M"
            + interpreter: "/usr/local/lib/qus/qemu-aarch64"
            + flags:       "POF"
            + offset:      0
            + magic:       "7f454c460201010000000000000000000200b700"
            + mask:        "ffffffffffffff00fffffffffffffffffeffffff"
            + enabled:     true

      Skipped x86_64: it is the host's own CPU family (set allowHostFamily to register it).

      Plan: 3 to add, 0 to change, 0 to destroy.
      "
    `);
  });

  test("a converged host whose config changed: every action, warnings and notes", () => {
    expect(text(mixedPlan)).toMatchInlineSnapshot(`
      "Resource actions are indicated with the following symbols:
        ~ update in place
      -/+ destroy and then create replacement
        - destroy

      qus will perform the following actions:

        # emulator "/usr/local/lib/qus/qemu-aarch64" must be replaced
      -/+ emulator "/usr/local/lib/qus/qemu-aarch64"
            ~ sha256: "9b2e4f6a8c0d1e3f5a7b9c1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e0f"
                   -> "3f1a9c0e5b7d2468ace13579bdf02468ace13579bdf02468ace13579bdf0aa11"  # forces replacement
              # the file was modified outside qus

        # emulator "/usr/local/lib/qus/qemu-mips" will be removed
        - emulator "/usr/local/lib/qus/qemu-mips"
            - sha256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
            - size:   4000000

        # registration "qemu-arm" will be updated in place
        ~ registration "qemu-arm"
            ~ enabled: false -> true

        # registration "qemu-riscv64" must be replaced
      -/+ registration "qemu-riscv64"
            ~ flags:       "OCF" -> "POF"  # forces replacement
              # C runs foreign setuid binaries with raised privileges; the config does not allow it
            ~ interpreter: "/usr/bin/qemu-riscv64-static"
                        -> "/usr/local/lib/qus/qemu-riscv64"  # forces replacement
            ~ mask:        "ffffffffffffff00fffffffffffffffffeffff00"
                        -> "ffffffffffffff00fffffffffffffffffeffffff"  # forces replacement
            ~ enabled:     false -> true

        # registration "qemu-mips" will be removed
        - registration "qemu-mips"
            - type:        "M"
            - interpreter: "/usr/local/lib/qus/qemu-mips"
            - flags:       "POF"
            - offset:      0
            - magic:       "7f454c46010201000000000000000000000200080000000100000000000000000000000000000000"
            - mask:        "ffffffffffffff0000fffffffffffffffffeffffffffffff00000000000000000000000000000020"
            - enabled:     true

      Warning: qemu-riscv64 is registered with F: the running kernel keeps the old file until it is replaced.

      Left untouched (not owned by qus, whose entries start with "qemu-"): WSLInterop, python3.11.

      Plan: 2 to add, 1 to change, 4 to destroy.
      "
    `);
  });

  test("nothing to do", () => {
    expect(text(convergedPlan)).toMatchInlineSnapshot(`
      "No changes. binfmt_misc matches the configuration.

      Warning: Kernel 5.10 does not pass AT_FLAGS: with P, QEMU cannot see the original argv[0].

      Left untouched (not owned by qus, whose entries start with "qemu-"): WSLInterop.
      "
    `);
  });
});

describe("closing line", () => {
  test("is exactly `Plan: N to add, N to change, N to destroy.` and comes last", () => {
    expect(lines(firstApplyPlan).at(-1)).toBe("Plan: 3 to add, 0 to change, 0 to destroy.");
    expect(lines(mixedPlan).at(-1)).toBe("Plan: 2 to add, 1 to change, 4 to destroy.");
    expect(lines(planOf(enableArm, disableS390x)).at(-1)).toBe(
      "Plan: 0 to add, 2 to change, 0 to destroy.",
    );
  });

  test("with no changes is exactly the no-changes sentence, and there is no legend or Plan line", () => {
    const all = lines(emptyPlan({ unchanged: 3 }));
    expect(all).toEqual(["No changes. binfmt_misc matches the configuration."]);
    expect(text(convergedPlan)).not.toContain("Plan:");
    expect(text(convergedPlan)).not.toContain(strings.LEGEND_HEADER);
  });

  test("the text ends with exactly one newline", () => {
    expect(text(mixedPlan).endsWith(".\n")).toBe(true);
    expect(text(convergedPlan).endsWith("\n\n")).toBe(false);
  });
});

describe("legend", () => {
  test("lists only the symbols that occur", () => {
    expect(legendOf(planOf(createAarch64Registration))).toEqual(["  + create"]);
    expect(legendOf(planOf(enableArm))).toEqual(["  ~ update in place"]);
    expect(legendOf(planOf(replaceRiscv64))).toEqual(["-/+ destroy and then create replacement"]);
    expect(legendOf(planOf(deleteMipsRegistration))).toEqual(["  - destroy"]);
  });

  test("always lists them in the order create, update, replace, destroy", () => {
    expect(
      legendOf(
        planOf(deleteMipsRegistration, replaceRiscv64, enableArm, createAarch64Registration),
      ),
    ).toEqual([
      "  + create",
      "  ~ update in place",
      "-/+ destroy and then create replacement",
      "  - destroy",
    ]);
  });

  test("comes before the actions", () => {
    const all = lines(mixedPlan);
    expect(all.indexOf(strings.LEGEND_HEADER)).toBeLessThan(all.indexOf(strings.ACTIONS_HEADER));
  });
});

describe("registrations", () => {
  test("create lists every attribute, magic and mask in full and aligned", () => {
    const all = lines(planOf(createAarch64Registration));
    const { magic, mask } = pattern("aarch64");
    expect(all).toContain('  # registration "qemu-aarch64" will be registered');
    expect(all).toContain('  + registration "qemu-aarch64"');
    const attributes = all.slice(all.indexOf('  + registration "qemu-aarch64"') + 1);
    expect(attributes).toEqual([
      '      + type:        "M"',
      '      + interpreter: "/usr/local/lib/qus/qemu-aarch64"',
      '      + flags:       "POF"',
      "      + offset:      0",
      `      + magic:       "${magic}"`,
      `      + mask:        "${mask}"`,
      "      + enabled:     true",
      "",
      "Plan: 1 to add, 0 to change, 0 to destroy.",
    ]);
  });

  test("enabling and disabling are updates in place showing old -> new", () => {
    const all = lines(planOf(enableArm, disableS390x));
    expect(all).toContain('  # registration "qemu-arm" will be updated in place');
    expect(all).toContain('  ~ registration "qemu-arm"');
    expect(all).toContain("      ~ enabled: false -> true");
    expect(all).toContain("      ~ enabled: true -> false");
    expect(text(planOf(enableArm))).not.toContain("forces replacement");
  });

  test("replace shows only the reasons, marks the forcing ones and prints notes", () => {
    const block = lines(planOf(replaceRiscv64));
    const start = block.indexOf('-/+ registration "qemu-riscv64"');
    expect(block[start - 1]).toBe('  # registration "qemu-riscv64" must be replaced');
    expect(block.slice(start + 1, block.indexOf("", start))).toEqual([
      '      ~ flags:       "OCF" -> "POF"  # forces replacement',
      "        # C runs foreign setuid binaries with raised privileges; the config does not allow it",
      '      ~ interpreter: "/usr/bin/qemu-riscv64-static"',
      '                  -> "/usr/local/lib/qus/qemu-riscv64"  # forces replacement',
      '      ~ mask:        "ffffffffffffff00fffffffffffffffffeffff00"',
      `                  -> "${pattern("riscv64").mask}"  # forces replacement`,
      "      ~ enabled:     false -> true",
    ]);
    expect(text(planOf(replaceRiscv64))).not.toContain("magic");
  });

  test("an unknown pinned emulator is said in words, and the note says why", () => {
    expect(lines(planOf(repinAarch64))).toEqual([
      strings.LEGEND_HEADER,
      "-/+ destroy and then create replacement",
      "",
      strings.ACTIONS_HEADER,
      "",
      '  # registration "qemu-aarch64" must be replaced',
      '-/+ registration "qemu-aarch64"',
      "      ~ emulator: (unknown: not recorded by qus)",
      `               -> "${SHA_AARCH64}"  # forces replacement`,
      "        # qus has no record of which emulator the kernel holds open for this entry",
      "",
      "Plan: 1 to add, 0 to change, 1 to destroy.",
    ]);
  });

  test("an offset reason prints as a number, a flags reason as a quoted string", () => {
    const change: Change = {
      ...replaceRiscv64,
      reasons: [
        { attribute: "offset", before: "2", after: "0", forcesReplacement: true },
        { attribute: "flags", before: "", after: "POF", forcesReplacement: true },
      ],
    };
    const all = lines(planOf(change));
    expect(all).toContain("      ~ offset: 2 -> 0  # forces replacement");
    expect(all).toContain('      ~ flags:  "" -> "POF"  # forces replacement');
  });

  test("a long old -> new is split so both values start in the same column", () => {
    const all = lines(planOf(replaceRiscv64));
    const old = all.findIndex((line) => line.includes("~ mask:"));
    const next = all[old + 1] ?? "";
    expect(next.trimStart().startsWith("-> ")).toBe(true);
    expect(next.indexOf('"')).toBe(all[old]?.indexOf('"'));
  });

  test("delete lists the attributes being removed", () => {
    const all = lines(planOf(deleteMipsRegistration));
    expect(all).toContain('  # registration "qemu-mips" will be removed');
    expect(all).toContain('  - registration "qemu-mips"');
    expect(all).toContain(`      - magic:       "${pattern("mips").magic}"`);
    expect(all).toContain('      - interpreter: "/usr/local/lib/qus/qemu-mips"');
  });

  test("a registration made without a mask shows null, not all ff", () => {
    const change: Change = {
      ...deleteMipsRegistration,
      before: {
        ...pattern("mips"),
        type: "M",
        interpreter: "/x",
        flags: "",
        offset: 0,
        mask: null,
        enabled: true,
      },
    };
    const all = lines(planOf(change));
    expect(all).toContain("      - mask:        null");
    expect(all).toContain('      - flags:       ""');
  });
});

describe("emulators and mount", () => {
  test("emulator create shows the full sha256, size and origin", () => {
    const all = lines(planOf(createAarch64Emulator));
    expect(all).toContain('  # emulator "/usr/local/lib/qus/qemu-aarch64" will be installed');
    expect(all).toContain('  + emulator "/usr/local/lib/qus/qemu-aarch64"');
    expect(all).toContain(`      + sha256: "${SHA_AARCH64}"`);
    expect(all).toContain("      + size:   5453184");
    expect(all).toContain('      + origin: "/usr/bin/qemu-aarch64-static"');
  });

  test("emulator replace shows old and new sha256 aligned, forcing, with the note", () => {
    const all = lines(planOf(replaceAarch64Emulator));
    expect(all).toContain('  # emulator "/usr/local/lib/qus/qemu-aarch64" must be replaced');
    expect(all).toContain('-/+ emulator "/usr/local/lib/qus/qemu-aarch64"');
    const old = all.indexOf(`      ~ sha256: "${SHA_AARCH64_OLD}"`);
    expect(old).toBeGreaterThan(0);
    expect(all[old + 1]).toBe(`             -> "${SHA_AARCH64}"  # forces replacement`);
    expect(all[old + 2]).toBe("        # the file was modified outside qus");
  });

  test("emulator delete shows what is removed and omits what is unknown", () => {
    const all = lines(planOf(deleteMipsEmulator));
    expect(all).toContain('  # emulator "/usr/local/lib/qus/qemu-mips" will be removed');
    expect(all).toContain(`      - sha256: "${SHA_MIPS}"`);
    expect(text(planOf(deleteMipsEmulator))).not.toContain("origin");
  });

  test("mount says where binfmt_misc will be mounted", () => {
    const all = lines(planOf(mountChange));
    expect(all).toContain("  # binfmt_misc will be mounted at /proc/sys/fs/binfmt_misc");
    expect(all).toContain('  + mount "/proc/sys/fs/binfmt_misc"');
  });
});

describe("warnings and notes", () => {
  test("come after the last action and before the closing line", () => {
    const all = lines(mixedPlan);
    const warning = all.indexOf(`Warning: ${mixedPlan.warnings[0]}`);
    const note = all.indexOf(mixedPlan.notes[0] ?? "?");
    const lastAction = all.findIndex((line) => line.includes('registration "qemu-mips"'));
    expect(lastAction).toBeGreaterThan(0);
    expect(warning).toBeGreaterThan(lastAction);
    expect(note).toBeGreaterThan(warning);
    expect(all.length - 1).toBeGreaterThan(note);
  });

  test("come after No changes when there is nothing to do", () => {
    expect(lines(convergedPlan)).toEqual([
      strings.NO_CHANGES,
      "",
      `Warning: ${convergedPlan.warnings[0]}`,
      "",
      convergedPlan.notes[0],
    ]);
  });
});

describe("colour", () => {
  const plans = [firstApplyPlan, mixedPlan, convergedPlan];

  test("the plain style never emits an escape code", () => {
    for (const plan of plans) expect(text(plan)).not.toContain("\x1b");
  });

  test("the colour style colours symbols and headings", () => {
    const coloured = renderPlan(doc(mixedPlan), colourStyle);
    expect(coloured).toContain("\x1b[");
    expect(coloured).toContain(
      "\x1b[31m-\x1b[39m/\x1b[32m+\x1b[39m destroy and then create replacement",
    );
    expect(coloured).toContain("\x1b[1mPlan: 2 to add, 1 to change, 4 to destroy.\x1b[22m");
  });

  test("colour only adds escape codes: stripped, it is the plain text exactly", () => {
    for (const plan of plans)
      expect(renderPlan(doc(plan), colourStyle).replace(ANSI, "")).toBe(text(plan));
  });

  test("the closing lines stay greppable in colour (escapes only around them)", () => {
    expect(renderPlan(doc(mixedPlan), colourStyle)).toContain(
      "Plan: 2 to add, 1 to change, 4 to destroy.",
    );
    expect(renderPlan(doc(convergedPlan), colourStyle)).toContain(strings.NO_CHANGES);
  });
});

describe("built from the document alone", () => {
  test("a document read back from JSON renders the same text", () => {
    const parsed = JSON.parse(JSON.stringify(doc(mixedPlan))) as PlanDocument;
    expect(renderPlan(parsed, plainStyle)).toBe(text(mixedPlan));
  });

  test("withRendered adds the plain text and changes nothing else", () => {
    const plain = doc(mixedPlan);
    const rendered = withRendered(plain);
    expect(rendered.rendered).toBe(text(mixedPlan));
    const { rendered: _text, ...rest } = rendered;
    expect(rest).toEqual(plain);
    expect(withRendered(rendered)).toEqual(rendered);
  });
});

describe("apply and destroy lines", () => {
  test("apply complete is exact", () => {
    expect(renderApplyComplete({ add: 2, change: 1, destroy: 4 })).toBe(
      "Apply complete! Resources: 2 added, 1 changed, 4 destroyed.\n",
    );
  });

  test("destroy complete is exact, in Terraform's words", () => {
    expect(renderDestroyComplete({ add: 0, change: 0, destroy: 3 })).toBe(
      "Destroy complete! Resources: 3 destroyed.\n",
    );
  });

  test("coloured, the words are unchanged", () => {
    const coloured = renderApplyComplete({ add: 1, change: 0, destroy: 0 }, colourStyle);
    expect(coloured).toContain("\x1b[");
    expect(coloured.replace(ANSI, "")).toBe(
      "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.\n",
    );
  });
});

describe("public strings (scripts grep these: change only on purpose)", () => {
  test("are exactly", () => {
    expect({
      legendHeader: strings.LEGEND_HEADER,
      actionsHeader: strings.ACTIONS_HEADER,
      noChanges: strings.NO_CHANGES,
      symbols: strings.ACTION_SYMBOLS,
      legend: strings.ACTION_LEGEND,
      registration: strings.REGISTRATION_OUTCOME,
      emulator: strings.EMULATOR_OUTCOME,
      forces: strings.FORCES_REPLACEMENT,
      warning: strings.WARNING_PREFIX,
      plan: strings.planSummaryLine({ add: 1, change: 2, destroy: 3 }),
      apply: strings.applyCompleteLine({ add: 1, change: 2, destroy: 3 }),
      destroy: strings.destroyCompleteLine(3),
      mount: strings.mountComment("/B"),
    }).toMatchInlineSnapshot(`
      {
        "actionsHeader": "qus will perform the following actions:",
        "apply": "Apply complete! Resources: 1 added, 2 changed, 3 destroyed.",
        "destroy": "Destroy complete! Resources: 3 destroyed.",
        "emulator": {
          "create": "will be installed",
          "delete": "will be removed",
          "replace": "must be replaced",
          "update": "will be updated in place",
        },
        "forces": "# forces replacement",
        "legend": {
          "create": "create",
          "delete": "destroy",
          "replace": "destroy and then create replacement",
          "update": "update in place",
        },
        "legendHeader": "Resource actions are indicated with the following symbols:",
        "mount": "binfmt_misc will be mounted at /B",
        "noChanges": "No changes. binfmt_misc matches the configuration.",
        "plan": "Plan: 1 to add, 2 to change, 3 to destroy.",
        "registration": {
          "create": "will be registered",
          "delete": "will be removed",
          "replace": "must be replaced",
          "update": "will be updated in place",
        },
        "symbols": {
          "create": "+",
          "delete": "-",
          "replace": "-/+",
          "update": "~",
        },
        "warning": "Warning: ",
      }
    `);
  });
});
