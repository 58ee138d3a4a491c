// The views against the real planner: plans computed by src/plan from in-memory inputs must
// project to schema-valid documents and render as a user expects. Catches drift between the
// planner's output and what the views assume (addresses, reasons, attribute shapes).
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, test } from "vitest";
import { describeHost } from "../../src/catalog/host.js";
import { findTarget } from "../../src/catalog/targets.js";
import type { QusConfig } from "../../src/config/types.js";
import { resolveDesired, wantedEmulators } from "../../src/plan/desired.js";
import { plan } from "../../src/plan/plan.js";
import type { Desired, Live, LiveEntry } from "../../src/plan/types.js";
import { projectPlan } from "../../src/views/plan-json.js";
import { renderPlan, withRendered } from "../../src/views/plan-text.js";
import { plainStyle } from "../../src/views/style.js";

const validatePlan = new Ajv2020({ strict: true, allErrors: true }).compile(
  JSON.parse(
    readFileSync(new URL("../../schemas/qus.plan.schema.json", import.meta.url), "utf8"),
  ) as object,
);

const host = describeHost("x86_64");
const context = {
  qusVersion: "0.1.0",
  configFile: "/etc/qus/qus.config.json",
  host: { machine: host.machine, family: host.family },
};
const shaOf = (emulator: string, version: number) =>
  (emulator.length.toString(16) + version.toString(16)).padEnd(64, "a");

const config: QusConfig = {
  file: "/etc/qus/qus.config.json",
  targets: ["x86_64", "aarch64", "riscv64"].map((target) => ({
    target,
    requestedAs: target,
    flags: "POF",
    enabled: true,
    allowHostFamily: false,
  })),
  flags: "POF",
  allowCredentials: false,
  source: { type: "local", path: "/srv/emu", patterns: ["qemu-{target}-static"] },
  installDir: "/opt/qus",
  prefix: "qemu-",
  hostCpu: null,
  prune: true,
  binfmtDir: "/proc/sys/fs/binfmt_misc",
  stateFile: "/var/lib/qus/state.json",
  persist: false,
  binfmtDDir: "/etc/binfmt.d",
  cacheDir: "/var/cache/qus",
  lockFile: "/etc/qus/qus.lock.json",
};

function desired(version: number): Desired {
  const emulators = wantedEmulators(config, host).map((emulator) => ({
    emulator,
    path: `/srv/emu/${emulator}-static`,
    sha256: shaOf(emulator, version),
    size: 1000 + version,
    description: `local /srv/emu/${emulator}-static`,
  }));
  return resolveDesired(config, host, emulators);
}

function entry(target: string, overrides: Partial<LiveEntry> = {}): LiveEntry {
  const info = findTarget(target);
  if (info === undefined) throw new Error(`test setup: unknown target ${target}`);
  return {
    name: `qemu-${target}`,
    enabled: true,
    type: "M",
    interpreter: `/opt/qus/${info.emulator}`,
    flags: "POF",
    offset: 0,
    magic: info.magic,
    mask: info.mask,
    ...overrides,
  };
}

const fresh: Live = {
  binfmtDir: config.binfmtDir,
  mounted: false,
  enabledGlobally: false,
  entries: [],
  files: [],
  binfmtd: [],
  state: { version: 1, emulators: {}, registrations: {} },
};

/** Applied once with version 1 files; then the riscv64 entry was re-registered by hand with C,
 *  aarch64 disabled, an old qemu-mips left behind, and a foreign handler added. */
const drifted: Live = {
  binfmtDir: config.binfmtDir,
  mounted: true,
  enabledGlobally: true,
  binfmtd: [],
  entries: [
    entry("aarch64", { enabled: false }),
    entry("riscv64", { flags: "OCF", interpreter: "/usr/bin/qemu-riscv64-static" }),
    entry("mips"),
    {
      name: "WSLInterop",
      enabled: true,
      type: "M",
      interpreter: "/init",
      flags: "PF",
      offset: 0,
      magic: "4d5a",
      mask: null,
    },
  ],
  files: [
    { path: "/opt/qus/qemu-aarch64", sha256: shaOf("qemu-aarch64", 1) },
    { path: "/opt/qus/qemu-riscv64", sha256: shaOf("qemu-riscv64", 1) },
  ],
  state: {
    version: 1,
    emulators: { "/opt/qus/qemu-aarch64": { sha256: shaOf("qemu-aarch64", 1), size: 1001 } },
    registrations: {
      "qemu-aarch64": { interpreter: "/opt/qus/qemu-aarch64", sha256: shaOf("qemu-aarch64", 1) },
    },
  },
};

describe("plans from the real planner", () => {
  test.each([
    ["fresh host", desired(1), fresh],
    ["drifted host", desired(1), drifted],
  ])(
    "%s: the document validates and the text closes with the planner's own counts",
    (_name, want, live) => {
      const computed = plan(want, live);
      const doc = withRendered(projectPlan(computed, context));
      expect(
        validatePlan(JSON.parse(JSON.stringify(doc))),
        JSON.stringify(validatePlan.errors, null, 2),
      ).toBe(true);
      const { add, change, destroy } = computed.summary;
      expect(doc.rendered.trimEnd().split("\n").at(-1)).toBe(
        `Plan: ${add} to add, ${change} to change, ${destroy} to destroy.`,
      );
    },
  );

  test("drifted host reads as a user expects", () => {
    expect(
      renderPlan(projectPlan(plan(desired(1), drifted), context), plainStyle),
    ).toMatchInlineSnapshot(`
      "Resource actions are indicated with the following symbols:
        ~ update in place
      -/+ destroy and then create replacement
        - destroy

      qus will perform the following actions:

        # registration "qemu-aarch64" will be updated in place
        ~ registration "qemu-aarch64"
            ~ enabled: false -> true

        # registration "qemu-mips" will be removed
        - registration "qemu-mips"
            - type:        "M"
            - interpreter: "/opt/qus/qemu-mips"
            - flags:       "POF"
            - offset:      0
            - magic:       "7f454c46010201000000000000000000000200080000000100000000000000000000000000000000"
            - mask:        "ffffffffffffff0000fffffffffffffffffeffffffffffff00000000000000000000000000000020"
            - enabled:     true

        # registration "qemu-riscv64" must be replaced
      -/+ registration "qemu-riscv64"
            ~ interpreter: "/usr/bin/qemu-riscv64-static" -> "/opt/qus/qemu-riscv64"  # forces replacement
            ~ flags:       "OCF" -> "POF"  # forces replacement
            ~ emulator:    (unknown: not recorded by qus)
                        -> "c1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"  # forces replacement
              # qus has no record of which emulator the kernel holds open for this entry (registered by another tool, or before qus kept records)

      Skipped x86_64: x86_64 is this host's own CPU (x86_64); a handler for it would catch every native program, so qus never registers it.
      Left untouched (not owned by qus, whose entries start with "qemu-"): WSLInterop.

      Plan: 1 to add, 1 to change, 2 to destroy.
      "
    `);
  });
});
