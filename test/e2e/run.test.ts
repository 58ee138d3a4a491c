// `qus run -- CMD` rootless: an unprivileged user (uid 65534 when the tests run as root) runs a
// real aarch64 busybox through emulation that qus set up in a private binfmt_misc; the host's
// binfmt_misc is unchanged and the emulators land in that user's cache.
import { spawn } from "node:child_process";
import {
  chmod,
  chown,
  copyFile,
  cp,
  mkdir,
  mkdtemp,
  readdir,
  rm,
  stat,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cliPath,
  emulatorPath,
  foreignBusybox,
  requireBuilt,
  requireFixtures,
} from "../helpers/fixtures.js";

const NOBODY = 65534;
let dir: string;
let home: string;

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI as an unprivileged user: uid 65534 via setpriv when root, else as is. */
function qusAsUser(args: readonly string[]): Promise<Result> {
  const asRoot = process.getuid?.() === 0;
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, NO_COLOR: "1" };
  const argv = [process.execPath, join(dir, "qus", basename(cliPath())), ...args];
  const [cmd, ...rest] = asRoot
    ? ["setpriv", "--reuid", String(NOBODY), "--regid", String(NOBODY), "--clear-groups", ...argv]
    : argv;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd!, rest, {
      cwd: dir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 25_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
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
  requireBuilt();
  // Everything the unprivileged user needs, readable by it (the fixtures, and the checkout with the
  // built CLI, may sit in root's home or a 0700 temp directory). The built CLI is self-contained.
  dir = await mkdtemp(join(tmpdir(), "qus-run-"));
  await cp(dirname(cliPath()), join(dir, "qus"), { recursive: true });
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
  for (const path of [
    dir,
    join(dir, "qus"),
    join(dir, "emulators"),
    join(dir, "emulators", "qemu-aarch64-static"),
    join(dir, "busybox"),
  ])
    await chmod(path, 0o755);
  if (process.getuid?.() === 0) await chown(home, NOBODY, NOBODY);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("qus run", () => {
  it("runs a foreign binary as an unprivileged user, without touching the host", async () => {
    const before = await hostEntries();
    const run = await qusAsUser(["run", "--", join(dir, "busybox"), "uname", "-m"]);
    expect(run.stderr).toMatch(
      /^qus run: aarch64 registered in a private binfmt_misc; Apply complete! Resources: 2 added/,
    );
    expect(run).toMatchObject({ code: 0, stdout: "aarch64\n" });
    expect(await hostEntries()).toEqual(before);

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
