// `qus verify` and `qus apply --verify` end to end: the built CLI registers the real Debian
// emulators in a private binfmt_misc, then every generated test program is executed through the
// kernel (not by calling the emulator), and a broken emulator makes verify exit 1 naming it.
import { copyFile, mkdir } from "node:fs/promises";
import { machine } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { describeHost } from "../../src/catalog/host.js";
import { findTarget } from "../../src/catalog/targets.js";
import { TEST_PROGRAM_TARGETS } from "../../src/verify/test-programs.js";
import { emulatorPath } from "../helpers/fixtures.js";
import { baseConfig, openHarness, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(async () => {
  await h.close();
});

const host = describeHost(machine());
/** Every target with a test program that may be registered here: the host's own never is. */
const programTargets = TEST_PROGRAM_TARGETS.filter((t) => t !== host.target);
/** Same-family targets (i386 on x86_64) are registered with the explicit opt-in. */
const targetEntries = programTargets.map((t) =>
  findTarget(t)!.family === host.family ? { name: t, hostFamily: true } : t,
);
const config = (overrides: Record<string, unknown> = {}) =>
  baseConfig(h.dir, { persist: false, ...overrides });

describe("qus verify", () => {
  it("runs every generated test program through the kernel, and --version for the others", async () => {
    await h.writeConfig(config({ targets: [...targetEntries, "sparc64", "m68k"] }));
    expect((await h.qus("apply", "--auto-approve")).code).toBe(0);

    const verify = await h.qus("verify");
    expect(verify.stderr).toBe("");
    expect(verify.code).toBe(0);
    for (const target of programTargets) {
      expect(verify.stdout).toMatch(
        new RegExp(
          `^qemu-${target} +ok +\\[test program\\] ran the ${target} test program through binfmt_misc`,
          "m",
        ),
      );
    }
    expect(verify.stdout).toMatch(
      /^qemu-sparc64 +ok +\[--version only\] .*qemu-sparc64 version .*no test program for sparc64/m,
    );
    expect(verify.stdout).toContain(`Verify: ${programTargets.length + 2} passed, 0 failed.`);

    const json = JSON.parse((await h.qus("verify", "--json")).stdout);
    expect(json.summary).toEqual({ passed: programTargets.length + 2, failed: 0 });
    expect(json.results.find((r: { target: string }) => r.target === "loongarch64")).toMatchObject({
      method: "program",
      ok: true,
    });
  });

  it("exits 1 naming the target whose emulator is broken", async () => {
    // riscv64's "emulator" is really qemu-aarch64: registered fine, but it cannot run riscv64 code.
    const broken = join(h.dir, "broken");
    await mkdir(broken);
    await copyFile(emulatorPath("aarch64"), join(broken, "qemu-aarch64-static"));
    await copyFile(emulatorPath("aarch64"), join(broken, "qemu-riscv64-static"));
    await h.writeConfig(
      config({ targets: ["aarch64", "riscv64"], source: { type: "local", path: broken } }),
    );
    expect((await h.qus("apply", "--auto-approve")).code).toBe(0);

    const verify = await h.qus("verify");
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/^qemu-aarch64 +ok /m);
    expect(verify.stdout).toMatch(
      /^qemu-riscv64 +FAILED +\[test program\] the riscv64 test program ended with exit status \d+/m,
    );
    expect(verify.stdout).toContain("Verify: 1 passed, 1 failed.");
    expect(verify.stderr).toBe("Error: verification failed for qemu-riscv64 (riscv64)\n");
  });

  it("fails for an entry that is missing or disabled in the kernel", async () => {
    await h.writeConfig(config({ targets: ["aarch64", "arm"] }));
    const before = await h.qus("verify");
    expect(before.code).toBe(1);
    expect(before.stdout).toContain("qemu-aarch64 is not registered (run qus apply)");

    expect((await h.qus("apply", "--auto-approve")).code).toBe(0);
    await h.sh("echo 0 > /proc/sys/fs/binfmt_misc/qemu-arm");
    const after = await h.qus("verify");
    expect(after.code).toBe(1);
    expect(after.stdout).toContain("qemu-arm is registered but disabled in the kernel");
    expect(after.stderr).toContain("verification failed for qemu-arm (arm)");
  });
});

describe("qus apply --verify", () => {
  it("applies, then verifies; a converged apply still verifies", async () => {
    await h.writeConfig(config({ targets: ["aarch64", "s390x"] }));
    const apply = await h.qus("apply", "--auto-approve", "--verify", "--detailed-exitcode");
    expect(apply.code).toBe(2);
    expect(apply.stdout).toMatch(
      /Apply complete![\s\S]*qemu-s390x +ok[\s\S]*Verify: 2 passed, 0 failed\./,
    );

    const again = await h.qus("apply", "--auto-approve", "--verify", "--json");
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).applied).toEqual({ add: 0, change: 0, destroy: 0 });
    expect(again.stderr).toContain("Verify: 2 passed, 0 failed.");
  });

  it("exits 1 after applying when a target fails verification", async () => {
    const broken = join(h.dir, "broken");
    await mkdir(broken);
    await copyFile(emulatorPath("riscv64"), join(broken, "qemu-s390x-static"));
    await h.writeConfig(config({ targets: ["s390x"], source: { type: "local", path: broken } }));
    const apply = await h.qus("apply", "--auto-approve", "--verify");
    expect(apply.code).toBe(1);
    expect(apply.stdout).toContain("Apply complete!");
    expect(apply.stderr).toContain("Error: verification failed for qemu-s390x (s390x)");
  });
});
