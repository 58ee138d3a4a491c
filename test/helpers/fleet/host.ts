// One fleet host: its own user (identity-mapped 0-65535), mount, network and PID namespaces, a
// private binfmt_misc, copy-on-write overlays over /etc /usr /var /opt /root (so what a playbook
// installs lands in the host's upper layer, never on the machine), and its own sshd as PID 1.
// The shape and why each step is needed: the fleets reference note (two unshare steps, the id
// map written from outside, submounts detached first).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, readFile, readlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** The directories each host sees through its own overlay. */
export const OVERLAID = ["etc", "usr", "var", "opt", "root"] as const;

/** A running host. */
export interface FleetHost {
  readonly name: string;
  /** The host's directory: sshd config, host key, overlay layers (upper/<dir>). */
  readonly dir: string;
  /** PID (in this machine's PID namespace) of the host's PID 1, its sshd. */
  readonly init: number;
  /** The host's network namespace, as /proc/<pid>/ns/net reads (`net:[inode]`). */
  readonly netns: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;
const live = new Set<ChildProcess>();
let exitHook = false;

// PID 1 of the host: binfmt_misc, loopback, overlays, a private /run, then sshd. `userxattr`:
// without it an overlay mounted in a user namespace refuses some directory renames with EXDEV
// (dpkg -i fails: "unable to install new version of './usr/share/doc/qus': Invalid cross-device
// link"); with it overlayfs keeps its metadata in user.* xattrs and dpkg works.
function initScript(dir: string): string {
  const overlays = OVERLAID.map(
    (d) =>
      `mkdir -p ${dir}/upper/${d} ${dir}/work/${d} && mount -t overlay overlay -o lowerdir=/${d},upperdir=${dir}/upper/${d},workdir=${dir}/work/${d},userxattr /${d}`,
  ).join(" && ");
  return [
    "set -e",
    "mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc",
    "ip link set lo up",
    overlays,
    "mount -t tmpfs tmpfs /run && mkdir -m 0755 /run/sshd",
    `exec /usr/sbin/sshd -D -e -f ${dir}/sshd_config`,
  ].join("\n");
}

// Outer steps: a private copy of the machine's mounts without submounts under the overlaid
// directories (overlayfs refuses such a lower directory from a user namespace), then a user
// namespace that waits on the FIFO until its id map is written, then the inner namespaces.
function launchScript(dir: string): string {
  const below = OVERLAID.map((d) => `$2 ~ "^/${d}/"`).join(" || ");
  const inner = `read _ < ${dir}/go; exec unshare --mount --net --pid --fork --kill-child --mount-proc sh ${dir}/init.sh`;
  return [
    `awk '${below} {print $2}' /proc/self/mounts | sort -r | while read -r m; do umount -l "$m"; done`,
    `exec unshare --user sh -c '${inner}'`,
  ].join("\n");
}

/** Starts one host whose sshd_config is already in `dir`; resolves once sshd listens. */
export async function startHost(name: string, dir: string): Promise<FleetHost> {
  installExitHook();
  await writeFile(join(dir, "init.sh"), `${initScript(dir)}\n`);
  await new Promise<void>((resolve, reject) => {
    const mkfifo = spawn("mkfifo", [join(dir, "go")], { stdio: "inherit" });
    mkfifo.once("error", reject);
    mkfifo.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`mkfifo exited ${code}`)),
    );
  });
  const launcher = spawn(
    "unshare",
    ["--mount", "--propagation", "private", "sh", "-c", launchScript(dir)],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  live.add(launcher);
  launcher.once("exit", () => live.delete(launcher));
  let stderr = "";
  launcher.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const fail = (why: string): Error => {
    launcher.kill("SIGKILL");
    return new StartFailure(`fleet host ${name}: ${why}\n${stderr.trim()}`);
  };
  const pid = launcher.pid!;
  const ownUser = await readlink("/proc/self/ns/user");
  // The launcher (same PID through its execs) enters its user namespace; map it from outside.
  await until(
    async () => (await readlink(`/proc/${pid}/ns/user`)) !== ownUser,
    () => fail("did not enter a user namespace"),
  );
  await writeFile(`/proc/${pid}/uid_map`, "0 0 65536\n");
  await writeFile(`/proc/${pid}/gid_map`, "0 0 65536\n");
  await writeFile(join(dir, "go"), "go\n");
  // PID 1 of the host is unshare's forked child; it is sshd once the pidfile appears.
  let init = 0;
  await until(
    async () => {
      if (launcher.exitCode !== null) throw fail(`exited with ${launcher.exitCode}`);
      const children = (await readFile(`/proc/${pid}/task/${pid}/children`, "utf8")).trim();
      init = Number(children.split(" ")[0] ?? 0);
      return init > 0 && (await readFile(join(dir, "sshd.pid"), "utf8").catch(() => "")) !== "";
    },
    () => fail("sshd did not start"),
  );
  const netns = await readlink(`/proc/${init}/ns/net`);
  return {
    name,
    dir,
    init,
    netns,
    async stop() {
      if (launcher.exitCode !== null || launcher.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => launcher.once("exit", () => resolve()));
      // SIGTERM to PID 1 ends the whole PID namespace (logins included); the launcher then exits.
      process.kill(init, "SIGTERM");
      const timer = setTimeout(() => launcher.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// A start failure that waiting longer cannot cure.
class StartFailure extends Error {}

async function until(check: () => Promise<boolean>, onTimeout: () => Error): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      if (error instanceof StartFailure) throw error;
    }
    if (Date.now() > deadline) throw onTimeout();
    await sleep(20);
  }
}

// A test run that dies must not leave hosts: SIGKILL to a launcher kills its PID 1 too
// (--kill-child), and with it the host's whole PID namespace.
function installExitHook(): void {
  if (exitHook) return;
  exitHook = true;
  process.once("exit", () => {
    for (const launcher of live) launcher.kill("SIGKILL");
  });
}

/** Makes the directory of a host (its layers and config live there). */
export async function makeHostDir(dir: string): Promise<void> {
  await mkdir(join(dir, "upper"), { recursive: true });
}
