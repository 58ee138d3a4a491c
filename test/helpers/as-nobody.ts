// qus as an unprivileged user, from tests that run as root: uid and gid 65534 through setpriv
// (which execs, so the process keeps the pid spawned), or as is when the tests are not root; and
// a scratch directory that user can use for `qus run`.
import { spawn } from "node:child_process";
import { chmod, chown, copyFile, mkdir, mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { emulatorPath, foreignBusybox } from "./fixtures.js";

/** The unprivileged user's uid and gid. */
export const NOBODY = 65534;

/** How a run as that user ended, and the pid it had. */
export interface UserRun {
  readonly pid: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

// Why: three test files run qus as a user who cannot change the host; one way to do it.
/** Runs `argv` as NOBODY (as is when not root) in `cwd` with exactly `env`, stdin closed, killed after 25 s. */
export function runAsNobody(
  argv: readonly string[],
  options: { readonly cwd: string; readonly env: Record<string, string> },
): Promise<UserRun> {
  const user = ["--reuid", String(NOBODY), "--regid", String(NOBODY), "--clear-groups"];
  const [cmd, ...rest] = process.getuid?.() === 0 ? ["/usr/bin/setpriv", ...user, ...argv] : argv;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd!, rest, {
      cwd: options.cwd,
      env: options.env,
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

/** The entries of the host's binfmt_misc, sorted (none when it is not mounted). */
export async function hostBinfmtEntries(): Promise<string[]> {
  try {
    return (await readdir("/proc/sys/fs/binfmt_misc")).sort();
  } catch {
    return [];
  }
}

// Why: the npm entry and the executable must behave alike here; one statement of what that is.
/**
 * Runs the scratch's aarch64 busybox (`uname -m`) through `qus run` with `qus`, and checks what
 * users rely on: the output, qus's one-line report, and the host's binfmt_misc left as it was.
 */
export async function expectForeignRunLeavesHostAlone(
  qus: (args: readonly string[]) => Promise<UserRun>,
  scratch: string,
): Promise<void> {
  const before = await hostBinfmtEntries();
  const run = await qus(["run", "--", join(scratch, "busybox"), "uname", "-m"]);
  expect(run.stderr).toMatch(
    /^qus run: aarch64 registered in a private binfmt_misc; Apply complete! Resources: 2 added/,
  );
  expect(run).toMatchObject({ code: 0, stdout: "aarch64\n" });
  expect(await hostBinfmtEntries()).toEqual(before);
}

/**
 * A directory NOBODY can use for `qus run`: emulators/qemu-aarch64-static, an aarch64 busybox, a
 * qus.config.json with the local source ./emulators, and home/ owned by NOBODY. `install` puts qus
 * in it and returns what it made (made readable and executable too).
 */
export async function runScratch(
  prefix: string,
  install: (dir: string) => Promise<string>,
): Promise<{ dir: string; home: string }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const home = join(dir, "home");
  const installed = await install(dir);
  await mkdir(join(dir, "emulators"));
  await copyFile(emulatorPath("aarch64"), join(dir, "emulators", "qemu-aarch64-static"));
  await copyFile(foreignBusybox(), join(dir, "busybox"));
  await writeFile(
    join(dir, "qus.config.json"),
    `${JSON.stringify({ targets: ["aarch64"], source: { type: "local", path: "./emulators" } })}\n`,
    { mode: 0o644 },
  );
  await mkdir(home);
  const emulator = join(dir, "emulators", "qemu-aarch64-static");
  for (const path of [dir, installed, join(dir, "emulators"), emulator, join(dir, "busybox")])
    await chmod(path, 0o755);
  if (process.getuid?.() === 0) await chown(home, NOBODY, NOBODY);
  return { dir, home };
}
