// `qus run` from the x64 standalone executable, whose Node (26) can hand its process over
// (process.execve): as an unprivileged user, in a private binfmt_misc, the command ends up with
// qus's own pid, default signal dispositions and its own exit status, and every failure of the
// setup still prints qus's words (the scripts print them once Node is gone). The npm entry's run
// (Node 20: a child process) is test/e2e/run.test.ts; both must print the same.
import { spawn } from "node:child_process";
import { chmod, chown, copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorPath, foreignBusybox, requireFixtures } from "../helpers/fixtures.js";
import { releaseDir } from "./artifacts.js";

const NOBODY = 65534;
let dir: string;
let home: string;
let qus: string;

interface Result {
  readonly pid: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the executable as uid 65534 (via setpriv, which execs it: same pid) when root, else as is. */
function qusAsUser(args: readonly string[], env: Record<string, string> = {}): Promise<Result> {
  const asRoot = process.getuid?.() === 0;
  const argv = [qus, ...args];
  const [cmd, ...rest] = asRoot
    ? [
        "/usr/bin/setpriv",
        "--reuid",
        String(NOBODY),
        "--regid",
        String(NOBODY),
        "--clear-groups",
        ...argv,
      ]
    : argv;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd!, rest, {
      cwd: dir,
      env: { PATH: "/usr/bin:/bin", HOME: home, NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 25_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.once("error", reject);
    child.once("close", (code) => resolve({ pid: child.pid ?? -1, code, stdout, stderr }));
  });
}

async function hostEntries(): Promise<string[]> {
  try {
    return (await readdir("/proc/sys/fs/binfmt_misc")).sort();
  } catch {
    return [];
  }
}

beforeAll(async () => {
  requireFixtures();
  dir = await mkdtemp(join(tmpdir(), "qus-exe-run-"));
  qus = join(dir, "qus");
  await copyFile(join(await releaseDir(), "qus-linux-x64"), qus);
  home = join(dir, "home");
  await mkdir(join(dir, "emulators"));
  await copyFile(emulatorPath("aarch64"), join(dir, "emulators", "qemu-aarch64-static"));
  await copyFile(foreignBusybox(), join(dir, "busybox"));
  await writeFile(
    join(dir, "qus.config.json"),
    `${JSON.stringify({ targets: ["aarch64"], source: { type: "local", path: "./emulators" } })}\n`,
    { mode: 0o644 },
  );
  await mkdir(home);
  for (const path of [dir, qus, join(dir, "emulators"), join(dir, "busybox")])
    await chmod(path, 0o755);
  await chmod(join(dir, "emulators", "qemu-aarch64-static"), 0o755);
  if (process.getuid?.() === 0) await chown(home, NOBODY, NOBODY);
}, 30 * 60_000); // the first test file to ask builds the release
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("qus run from the standalone executable", () => {
  it("runs a foreign binary in qus's own process, without touching the host", async () => {
    const before = await hostEntries();
    const run = await qusAsUser(["run", "--", join(dir, "busybox"), "uname", "-m"]);
    expect(run.stderr).toMatch(
      /^qus run: aarch64 registered in a private binfmt_misc; Apply complete! Resources: 2 added/,
    );
    expect(run).toMatchObject({ code: 0, stdout: "aarch64\n" });
    expect(await hostEntries()).toEqual(before);
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
