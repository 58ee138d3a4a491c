// `qus run` from the x64 standalone executable, whose Node (26) can hand its process over
// (process.execve): as an unprivileged user, in a private binfmt_misc, the command ends up with
// qus's own pid, default signal dispositions and its own exit status, and every failure of the
// setup still prints qus's words (the scripts print them once Node is gone). The npm entry's run
// (Node 20: a child process) is test/e2e/run.test.ts; both must print the same.
import { chmod, copyFile, mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  expectForeignRunLeavesHostAlone,
  runAsNobody,
  runScratch,
  type UserRun,
} from "../helpers/as-nobody.js";
import { requireFixtures } from "../helpers/fixtures.js";
import { releaseDir } from "./artifacts.js";

let dir: string;
let home: string;

/** Runs the executable as an unprivileged user, `env` over a plain environment. */
function qusAsUser(args: readonly string[], env: Record<string, string> = {}): Promise<UserRun> {
  const base = { PATH: "/usr/bin:/bin", HOME: home, NO_COLOR: "1" };
  return runAsNobody([join(dir, "qus"), ...args], { cwd: dir, env: { ...base, ...env } });
}

beforeAll(async () => {
  requireFixtures();
  const executable = join(await releaseDir(), "qus-linux-x64");
  ({ dir, home } = await runScratch("qus-exe-run-", async (scratch) => {
    await copyFile(executable, join(scratch, "qus"));
    return join(scratch, "qus");
  }));
}, 30 * 60_000); // the first test file to ask builds the release
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("qus run from the standalone executable", () => {
  it("runs a foreign binary in qus's own process, without touching the host", async () => {
    await expectForeignRunLeavesHostAlone(qusAsUser, dir);
    // Its code cache of run is written before the hand-over (no exit event comes).
    const caches = await readdir(join(home, ".cache", "qus", "code-cache"));
    expect(caches.filter((name) => /^qus-.*-run-v8-.*\.cache$/.test(name))).toHaveLength(1);

    // A native command: its pid is the one qus started with, and Node's ignored signals are not its.
    const self = await qusAsUser([
      "run",
      "--",
      "sh",
      "-c",
      'echo "$$"; grep SigIgn /proc/self/status',
    ]);
    expect(self).toMatchObject({ code: 0, stdout: `${self.pid}\nSigIgn:\t0000000000000000\n` });
  });

  it("passes the command's exit status through", async () => {
    const run = await qusAsUser(["run", "--", join(dir, "busybox"), "sh", "-c", "exit 7"]);
    expect(run.stderr).toContain("Resources: 1 added, 0 changed, 0 destroyed.");
    expect(run.code).toBe(7);
  });

  it("a command that cannot be started: qus's words, exit 1, whatever its name holds", async () => {
    const name = join(dir, `no such 'program' "$HOME" $(true)`);
    const run = await qusAsUser(["run", "--", name]);
    expect(run).toMatchObject({
      code: 1,
      stdout: "",
      stderr: `Error: Cannot run ${name}: not found or not executable\n`,
    });
  });

  it("no unshare on PATH: qus says so, exit 1", async () => {
    const bin = join(dir, "bin-without-unshare");
    await mkdir(bin, { recursive: true });
    await chmod(bin, 0o755);
    const run = await qusAsUser(["run", "--", "true"], { PATH: bin });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "Error: Could not run unshare (util-linux) to create a private user namespace\n",
    );
  });
});
