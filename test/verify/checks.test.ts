// Which targets verify checks and how: only enabled targets the config registers on this host,
// a test program when qus has one, --version otherwise, and an immediate failure when the
// registration is missing or disabled.
import { describe, expect, it } from "vitest";
import { describeHost } from "../../src/catalog/host.js";
import type { QusConfig, TargetRequest } from "../../src/config/types.js";
import type { LiveEntry } from "../../src/plan/types.js";
import { planChecks, type KernelView } from "../../src/verify/checks.js";

const target = (name: string, over: Partial<TargetRequest> = {}): TargetRequest => ({
  target: name,
  requestedAs: name,
  flags: "POF",
  enabled: true,
  allowHostFamily: false,
  ...over,
});
const config = (targets: TargetRequest[]): QusConfig =>
  ({ targets, prefix: "qemu-", binfmtDir: "/b" }) as unknown as QusConfig;
const entry = (name: string, enabled = true): LiveEntry => ({
  name,
  enabled,
  type: "M",
  interpreter: `/i/${name}`,
  flags: "POF",
  offset: 0,
  magic: "7f",
  mask: "ff",
});
const kernel = (entries: LiveEntry[], over: Partial<KernelView> = {}): KernelView => ({
  binfmtDir: "/b",
  mounted: true,
  enabledGlobally: true,
  entries,
  ...over,
});
const x86 = describeHost("x86_64");

describe("planChecks", () => {
  it("uses a test program where qus has one and --version elsewhere", () => {
    const checks = planChecks(
      config([target("aarch64"), target("sparc64")]),
      x86,
      kernel([entry("qemu-aarch64"), entry("qemu-sparc64")]),
    );
    expect(checks).toEqual([
      { name: "qemu-aarch64", target: "aarch64", method: "program" },
      {
        name: "qemu-sparc64",
        target: "sparc64",
        method: "version",
        interpreter: "/i/qemu-sparc64",
      },
    ]);
  });

  it("leaves out disabled targets and the host's family, unless opted in", () => {
    const targets = [
      target("riscv64", { enabled: false }),
      target("x86_64"),
      target("i386"),
      target("i486", { allowHostFamily: true }),
    ];
    const checks = planChecks(config(targets), x86, kernel([entry("qemu-i486")]));
    expect(checks.map((c) => c.name)).toEqual(["qemu-i486"]);
  });

  it("fails at once, naming the entry, when it is missing, disabled, or binfmt_misc is off", () => {
    const c = config([target("aarch64"), target("arm")]);
    expect(planChecks(c, x86, kernel([entry("qemu-arm", false)]))).toEqual([
      {
        name: "qemu-aarch64",
        target: "aarch64",
        method: "none",
        problem: "qemu-aarch64 is not registered (run qus apply)",
      },
      {
        name: "qemu-arm",
        target: "arm",
        method: "none",
        problem: "qemu-arm is registered but disabled in the kernel (run qus apply)",
      },
    ]);
    expect(planChecks(c, x86, kernel([], { mounted: false }))[0]).toMatchObject({
      method: "none",
      problem: "binfmt_misc is not mounted at /b (run qus apply)",
    });
    expect(
      planChecks(c, x86, kernel([entry("qemu-aarch64")], { enabledGlobally: false }))[0],
    ).toMatchObject({ method: "none", problem: expect.stringMatching(/disabled as a whole/) });
  });
});
