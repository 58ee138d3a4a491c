// Hand-built plans for the view tests: views are pure, so in-memory values are the real input.
// Magic and mask come from the catalog so the hex looks exactly like what users will see.
import { findTarget } from "../../src/catalog/targets.js";
import type { Change, Plan, RegistrationAttributes } from "../../src/plan/types.js";

export type MountChange = Extract<Change, { kind: "mount" }>;
export type EmulatorChange = Extract<Change, { kind: "emulator" }>;
export type RegistrationChange = Extract<Change, { kind: "registration" }>;
import type { PlanContext } from "../../src/views/plan-document.js";

export const BINFMT_DIR = "/proc/sys/fs/binfmt_misc";
export const INSTALL_DIR = "/usr/local/lib/qus";

export const CONTEXT: PlanContext = {
  qusVersion: "0.1.0",
  configFile: "/etc/qus/qus.config.yaml",
  host: { machine: "x86_64", family: "i386" },
};

export const SHA_AARCH64 = "3f1a9c0e5b7d2468ace13579bdf02468ace13579bdf02468ace13579bdf0aa11";
export const SHA_AARCH64_OLD = "9b2e4f6a8c0d1e3f5a7b9c1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e0f";
export const SHA_RISCV64 = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";
export const SHA_MIPS = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/** Catalog magic/mask of a target (throws in the fixture itself if the catalog lacks it). */
export function pattern(target: string): { magic: string; mask: string } {
  const info = findTarget(target);
  if (info === undefined) throw new Error(`fixture: target ${target} missing from the catalog`);
  return { magic: info.magic, mask: info.mask };
}

/** A registration as qus would make it for a target. */
export function registration(
  target: string,
  overrides: Partial<RegistrationAttributes> = {},
): RegistrationAttributes {
  return {
    type: "M",
    interpreter: `${INSTALL_DIR}/qemu-${target}`,
    flags: "POF",
    offset: 0,
    ...pattern(target),
    enabled: true,
    ...overrides,
  };
}

export function emptyPlan(overrides: Partial<Plan> = {}): Plan {
  return {
    binfmtDir: BINFMT_DIR,
    changes: [],
    unchanged: 0,
    summary: { add: 0, change: 0, destroy: 0 },
    warnings: [],
    notes: [],
    ...overrides,
  };
}

export const mountChange: MountChange = {
  kind: "mount",
  address: BINFMT_DIR,
  action: "create",
  before: null,
  after: null,
  reasons: [],
};

export const createAarch64Emulator: EmulatorChange = {
  kind: "emulator",
  address: `${INSTALL_DIR}/qemu-aarch64`,
  action: "create",
  before: null,
  after: { sha256: SHA_AARCH64, size: 5_453_184, origin: "/usr/bin/qemu-aarch64-static" },
  reasons: [],
  fetch: {
    kind: "file",
    path: "/usr/bin/qemu-aarch64-static",
    description: "/usr/bin/qemu-aarch64-static",
  },
  emulator: "qemu-aarch64",
};

export const createAarch64Registration: RegistrationChange = {
  kind: "registration",
  address: "qemu-aarch64",
  action: "create",
  before: null,
  after: registration("aarch64"),
  reasons: [],
  target: "aarch64",
  interpreterSha256: SHA_AARCH64,
};

/** Everything a first `qus apply` does on a fresh host: mount, install, register. */
export const firstApplyPlan: Plan = emptyPlan({
  changes: [mountChange, createAarch64Emulator, createAarch64Registration],
  summary: { add: 3, change: 0, destroy: 0 },
  notes: ["Skipped x86_64: it is the host's own CPU family (set allowHostFamily to register it)."],
});

export const enableArm: RegistrationChange = {
  kind: "registration",
  address: "qemu-arm",
  action: "update",
  before: registration("arm", { enabled: false }),
  after: registration("arm"),
  reasons: [{ attribute: "enabled", before: "false", after: "true", forcesReplacement: false }],
  target: "arm",
};

export const disableS390x: RegistrationChange = {
  kind: "registration",
  address: "qemu-s390x",
  action: "update",
  before: registration("s390x"),
  after: registration("s390x", { enabled: false }),
  reasons: [{ attribute: "enabled", before: "true", after: "false", forcesReplacement: false }],
  target: "s390x",
};

export const replaceRiscv64: RegistrationChange = {
  kind: "registration",
  address: "qemu-riscv64",
  action: "replace",
  before: registration("riscv64", {
    flags: "OCF",
    interpreter: "/usr/bin/qemu-riscv64-static",
    mask: "ffffffffffffff00fffffffffffffffffeffff00",
  }),
  after: registration("riscv64"),
  reasons: [
    {
      attribute: "flags",
      before: "OCF",
      after: "POF",
      forcesReplacement: true,
      note: "C runs foreign setuid binaries with raised privileges; the config does not allow it",
    },
    {
      attribute: "interpreter",
      before: "/usr/bin/qemu-riscv64-static",
      after: `${INSTALL_DIR}/qemu-riscv64`,
      forcesReplacement: true,
    },
    {
      attribute: "mask",
      before: "ffffffffffffff00fffffffffffffffffeffff00",
      after: pattern("riscv64").mask,
      forcesReplacement: true,
    },
    { attribute: "enabled", before: "false", after: "true", forcesReplacement: false },
  ],
  target: "riscv64",
};

export const replaceAarch64Emulator: EmulatorChange = {
  kind: "emulator",
  address: `${INSTALL_DIR}/qemu-aarch64`,
  action: "replace",
  before: { sha256: SHA_AARCH64_OLD, size: 5_400_000 },
  after: { sha256: SHA_AARCH64, size: 5_453_184, origin: "/usr/bin/qemu-aarch64-static" },
  reasons: [
    {
      attribute: "sha256",
      before: SHA_AARCH64_OLD,
      after: SHA_AARCH64,
      forcesReplacement: true,
      note: "the file was modified outside qus",
    },
  ],
  emulator: "qemu-aarch64",
};

export const deleteMipsEmulator: EmulatorChange = {
  kind: "emulator",
  address: `${INSTALL_DIR}/qemu-mips`,
  action: "delete",
  before: { sha256: SHA_MIPS, size: 4_000_000 },
  after: null,
  reasons: [],
  emulator: "qemu-mips",
};

export const deleteMipsRegistration: RegistrationChange = {
  kind: "registration",
  address: "qemu-mips",
  action: "delete",
  before: registration("mips"),
  after: null,
  reasons: [],
  target: "mips",
};

/** With F the kernel holds the old emulator open: a new file means registering again. */
export const repinAarch64: RegistrationChange = {
  kind: "registration",
  address: "qemu-aarch64",
  action: "replace",
  before: registration("aarch64"),
  after: registration("aarch64"),
  reasons: [
    {
      attribute: "emulator",
      before: null,
      after: SHA_AARCH64,
      forcesReplacement: true,
      note: "qus has no record of which emulator the kernel holds open for this entry",
    },
  ],
  target: "aarch64",
};

/** A converged host whose config changed: every action, warnings and notes. */
export const mixedPlan: Plan = emptyPlan({
  changes: [
    replaceAarch64Emulator,
    deleteMipsEmulator,
    enableArm,
    replaceRiscv64,
    deleteMipsRegistration,
  ],
  unchanged: 4,
  summary: { add: 2, change: 1, destroy: 4 },
  warnings: [
    "qemu-riscv64 is registered with F: the running kernel keeps the old file until it is replaced.",
  ],
  notes: [
    'Left untouched (not owned by qus, whose entries start with "qemu-"): WSLInterop, python3.11.',
  ],
});

/** Nothing to do, but still something to tell. */
export const convergedPlan: Plan = emptyPlan({
  unchanged: 6,
  warnings: ["Kernel 5.10 does not pass AT_FLAGS: with P, QEMU cannot see the original argv[0]."],
  notes: ['Left untouched (not owned by qus, whose entries start with "qemu-"): WSLInterop.'],
});
