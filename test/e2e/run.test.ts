// `qus run -- CMD` rootless: an unprivileged user (uid 65534 when the tests run as root) runs a
// real aarch64 busybox through emulation that qus set up in a private binfmt_misc; the host's
// binfmt_misc is unchanged and the emulators land in that user's cache.
import { cp, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  expectForeignRunLeavesHostAlone,
  NOBODY,
  runAsNobody,
  runScratch,
  type UserRun,
} from "../helpers/as-nobody.js";
import { cliPath, requireBuilt, requireFixtures } from "../helpers/fixtures.js";

let dir: string;
let home: string;

/** Runs the built CLI as an unprivileged user. */
function qusAsUser(args: readonly string[]): Promise<UserRun> {
  const argv = [process.execPath, join(dir, "qus", basename(cliPath())), ...args];
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, NO_COLOR: "1" };
  return runAsNobody(argv, { cwd: dir, env });
}

beforeAll(async () => {
  requireFixtures();
  requireBuilt();
  // Everything the unprivileged user needs, readable by it (the fixtures, and the checkout with the
  // built CLI, may sit in root's home or a 0700 temp directory). The built CLI is self-contained.
  ({ dir, home } = await runScratch("qus-run-", async (scratch) => {
    await cp(dirname(cliPath()), join(scratch, "qus"), { recursive: true });
    return join(scratch, "qus");
  }));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("qus run", () => {
  it("runs a foreign binary as an unprivileged user, without touching the host", async () => {
    await expectForeignRunLeavesHostAlone(qusAsUser, dir);

    const cached = await stat(join(home, ".cache", "qus", "run", "emulators", "qemu-aarch64"));
    if (process.getuid?.() === 0) expect(cached.uid).toBe(NOBODY);
    expect(cached.mode & 0o111).not.toBe(0);
  });

  it("passes the command's exit status through and reuses the cached emulator", async () => {
    const run = await qusAsUser(["run", "--", join(dir, "busybox"), "sh", "-c", "exit 7"]);
    expect(run.stderr).toContain("Resources: 1 added, 0 changed, 0 destroyed."); // the registration only
    expect(run.code).toBe(7);
  });

  it("reports a command that cannot be started", async () => {
    const run = await qusAsUser(["run", "--", join(dir, "no-such-program")]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `Error: Cannot run ${join(dir, "no-such-program")}: not found or not executable`,
    );
  });
});
