// Rootless podman for tests: an unprivileged user set up the way this kind of machine needs
// (subordinate ids from useradd, a runtime directory, runc, cgroupfs, no network, overlay
// storage), and podman run as that user. Rootful podman never runs in tests: it would touch
// the machine (its binfmt_misc, mounts, networks).
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** An unprivileged user that can run podman. */
export interface PodmanUser {
  readonly name: string;
  readonly uid: number;
  readonly home: string;
}

const CONTAINERS_CONF = `[containers]
netns = "none"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
`;

/** Creates the user (once) and its podman settings; needs root. */
export function podmanUser(name: string): PodmanUser {
  if (process.getuid?.() !== 0)
    throw new Error("the rootless podman tests create a user: run them as root");
  const exists = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .some((l) => l.startsWith(`${name}:`));
  if (!exists) execFileSync("useradd", ["--create-home", "--shell", "/bin/sh", name]);
  const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8" }).trim());
  const home = execFileSync("getent", ["passwd", name], { encoding: "utf8" }).split(":")[5]!;
  execFileSync("install", ["-d", "-o", name, "-g", name, "-m", "700", `/run/user/${uid}`]);
  const config = join(home, ".config", "containers");
  mkdirSync(config, { recursive: true });
  writeFileSync(join(config, "containers.conf"), CONTAINERS_CONF);
  writeFileSync(join(config, "storage.conf"), '[storage]\ndriver = "overlay"\n');
  execFileSync("chown", ["-R", `${name}:${name}`, join(home, ".config")]);
  return { name, uid, home };
}

/** Runs a command as the user with a clean environment (podman, or a script that calls it). */
export function runAs(
  user: PodmanUser,
  argv: readonly string[],
  options: { cwd?: string; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = [
    ...Object.entries(options.env ?? {}).map(([key, value]) => `${key}=${value}`),
    `HOME=${user.home}`,
    `USER=${user.name}`,
    "PATH=/usr/local/bin:/usr/bin:/bin",
    `XDG_RUNTIME_DIR=/run/user/${user.uid}`,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn("runuser", ["-u", user.name, "--", "env", "-i", ...env, ...argv], {
      cwd: options.cwd ?? "/",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: options.timeoutMs ?? 120_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Ends the user's podman pause process (it holds the user's namespace between runs). */
export function stopPause(user: PodmanUser): void {
  try {
    const pid = Number(readFileSync(`/run/user/${user.uid}/libpod/tmp/pause.pid`, "utf8").trim());
    if (pid > 0) process.kill(pid, "SIGKILL");
  } catch {
    // No pause process: nothing to end.
  }
}

/** Live processes running as the user (after stopPause: expected none). */
export function userProcesses(user: PodmanUser): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
      if (Number(uid) === user.uid && !/^State:\s+Z/m.test(status)) found.push(pid);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}
