import { describe, expect, test } from "vitest";
import type { Change } from "../../src/plan/types.js";
import { nameFromAddress, projectPlan } from "../../src/views/plan-json.js";
import {
  BINFMT_DIR,
  CONTEXT,
  SHA_AARCH64,
  convergedPlan,
  createAarch64Emulator,
  createAarch64Registration,
  emptyPlan,
  firstApplyPlan,
  mixedPlan,
  pattern,
  replaceRiscv64,
} from "./fixtures.js";

function planOf(...changes: Change[]) {
  return emptyPlan({ changes, summary: { add: changes.length, change: 0, destroy: 0 } });
}

describe("projectPlan", () => {
  test("carries the run context and the plan's totals under snake_case keys", () => {
    const doc = projectPlan(mixedPlan, CONTEXT);
    expect(doc).toMatchObject({
      format_version: "1",
      qus_version: "0.1.0",
      config_file: "/etc/qus/qus.config.yaml",
      binfmt_dir: BINFMT_DIR,
      host: { machine: "x86_64", family: "i386" },
      summary: { add: 2, change: 1, destroy: 4 },
      unchanged: 4,
      has_changes: true,
    });
    expect(doc.warnings).toEqual(mixedPlan.warnings);
    expect(doc.notes).toEqual(mixedPlan.notes);
  });

  test("keeps the planner's order and gives every action its symbol", () => {
    const doc = projectPlan(mixedPlan, CONTEXT);
    expect(doc.changes.map((c) => [c.kind, c.name, c.action, c.symbol])).toEqual([
      ["emulator", "/usr/local/lib/qus/qemu-aarch64", "replace", "-/+"],
      ["emulator", "/usr/local/lib/qus/qemu-mips", "delete", "-"],
      ["registration", "qemu-arm", "update", "~"],
      ["registration", "qemu-riscv64", "replace", "-/+"],
      ["registration", "qemu-mips", "delete", "-"],
    ]);
    expect(projectPlan(firstApplyPlan, CONTEXT).changes.map((c) => c.symbol)).toEqual([
      "+",
      "+",
      "+",
    ]);
  });

  test("reasons use forces_replacement and an explicit null note", () => {
    const doc = projectPlan(
      emptyPlan({ changes: [replaceRiscv64], summary: { add: 1, change: 0, destroy: 1 } }),
      CONTEXT,
    );
    const reasons = doc.changes[0]?.reasons;
    expect(reasons?.[0]).toEqual({
      attribute: "flags",
      before: "OCF",
      after: "POF",
      forces_replacement: true,
      note: "C runs foreign setuid binaries with raised privileges; the config does not allow it",
    });
    expect(reasons?.[3]).toEqual({
      attribute: "enabled",
      before: "false",
      after: "true",
      forces_replacement: false,
      note: null,
    });
  });

  test("registration attributes are copied whole, with a null mask kept as null", () => {
    const change: Change = {
      kind: "registration",
      address: "qemu-ppc64le",
      action: "delete",
      before: {
        type: "M",
        interpreter: "/usr/bin/qemu-ppc64le",
        flags: "",
        offset: 0,
        magic: pattern("ppc64le").magic,
        mask: null,
        enabled: false,
      },
      after: null,
      reasons: [],
    };
    const [projected] = projectPlan(
      emptyPlan({ changes: [change], summary: { add: 0, change: 0, destroy: 1 } }),
      CONTEXT,
    ).changes;
    expect(projected).toEqual({
      address: "qemu-ppc64le",
      name: "qemu-ppc64le",
      action: "delete",
      symbol: "-",
      kind: "registration",
      target: null,
      interpreter_sha256: null,
      before: {
        type: "M",
        interpreter: "/usr/bin/qemu-ppc64le",
        flags: "",
        offset: 0,
        magic: pattern("ppc64le").magic,
        mask: null,
        enabled: false,
      },
      after: null,
      reasons: [],
    });
  });

  test("a registration names its target and the interpreter content the kernel will pin", () => {
    const [projected] = projectPlan(planOf(createAarch64Registration), CONTEXT).changes;
    expect(projected).toMatchObject({
      kind: "registration",
      target: "aarch64",
      interpreter_sha256: SHA_AARCH64,
    });
  });

  test("emulator changes name the program but never leak how apply fetches the bytes", () => {
    const [projected] = projectPlan(
      emptyPlan({ changes: [createAarch64Emulator], summary: { add: 1, change: 0, destroy: 0 } }),
      CONTEXT,
    ).changes;
    expect(projected).toEqual({
      address: "/usr/local/lib/qus/qemu-aarch64",
      name: "/usr/local/lib/qus/qemu-aarch64",
      action: "create",
      symbol: "+",
      kind: "emulator",
      emulator: "qemu-aarch64",
      before: null,
      after: {
        sha256: SHA_AARCH64,
        size: 5_453_184,
        origin: "/usr/bin/qemu-aarch64-static",
        qemu: null,
      },
      reasons: [],
    });
    expect(JSON.stringify(projected)).not.toContain("fetch");
  });

  test("unknown emulator size and origin become null rather than disappearing", () => {
    const change: Change = {
      kind: "emulator",
      address: "emulator./opt/qemu-arm",
      action: "delete",
      before: { sha256: null },
      after: null,
      reasons: [],
    };
    const [projected] = projectPlan(
      emptyPlan({ changes: [change], summary: { add: 0, change: 0, destroy: 1 } }),
      CONTEXT,
    ).changes;
    expect(projected?.before).toEqual({ sha256: null, size: null, origin: null, qemu: null });
  });

  test("a converged plan has no changes and says so", () => {
    const doc = projectPlan(convergedPlan, CONTEXT);
    expect(doc.changes).toEqual([]);
    expect(doc.has_changes).toBe(false);
    expect(doc.unchanged).toBe(6);
  });

  test("the document is plain data: a JSON round trip gives it back unchanged", () => {
    const doc = projectPlan(mixedPlan, CONTEXT);
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  test("projecting is deterministic and does not share arrays with the plan", () => {
    const first = projectPlan(mixedPlan, CONTEXT);
    expect(JSON.stringify(projectPlan(mixedPlan, CONTEXT))).toBe(JSON.stringify(first));
    expect(first.warnings).not.toBe(mixedPlan.warnings);
  });
});

describe("nameFromAddress", () => {
  test("drops the kind prefix of a Terraform-style address", () => {
    expect(nameFromAddress("registration", "registration.qemu-arm")).toBe("qemu-arm");
    expect(nameFromAddress("emulator", "emulator./usr/local/lib/qus/qemu-arm")).toBe(
      "/usr/local/lib/qus/qemu-arm",
    );
  });

  test("leaves a bare name, or another kind's prefix, alone", () => {
    expect(nameFromAddress("registration", "qemu-arm")).toBe("qemu-arm");
    expect(nameFromAddress("registration", "emulator.qemu-arm")).toBe("emulator.qemu-arm");
    expect(nameFromAddress("registration", "registration.")).toBe("registration.");
  });
});
