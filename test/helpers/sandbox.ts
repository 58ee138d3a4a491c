// A private binfmt_misc instance for tests: a holder process in a new user + mount namespace
// mounts its own binfmt_misc (Linux 6.7+ gives each user namespace its own instance), then
// waits; commands run inside with nsenter. The host's binfmt_misc is never touched: before
// returning, startSandbox proves the instance is private and throws if it cannot.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import type { Socket } from "node:net";
import { constants, release } from "node:os";
import { join } from "node:path";
import { parseMountInfo, type MountInfo } from "../../src/kernel/mountinfo.js";

/** Where binfmt_misc lives inside the sandbox (the standard place). */
export const SANDBOX_BINFMT_DIR = "/proc/sys/fs/binfmt_misc";

/** How a command run inside the sandbox ended. */
export interface RunResult {
  /** Exit code; 128 + signal number when killed by a signal (as shells report it). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options for one command inside the sandbox. */
export interface RunOptions {
  /** Written to the command's stdin (which is then closed). */
  readonly input?: string;
  /** Added to (and overriding) this process's environment. */
  readonly env?: Record<string, string>;
  /** Working directory inside the sandbox; defaults to this process's. */
  readonly cwd?: string;
  /** The command is killed and run() rejects after this long (default 25 s). */
  readonly timeoutMs?: number;
}

/** One running private binfmt_misc instance. */
export interface Sandbox {
  /** Pid of the holder process whose namespaces commands enter. */
  readonly pid: number;
  /**
   * The sandbox's binfmt_misc directory seen from this process, through /proc/<pid>/root: reads and
   * writes there reach the private instance (verified by startSandbox), not the host's.
   */
  readonly binfmtDir: string;
  /**
   * Runs a command inside the sandbox's namespaces, where every exec goes through the private
   * instance: while an entry matches the host's own executables (an x86_64 ELF magic on an x86_64
   * host, or an all-zero mask), commands run here fail or loop. Register such entries only in a
   * sandbox where nothing runs.
   */
  run(cmd: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Kills the holder; the instance and its entries vanish once nothing runs inside any more. */
  stop(): Promise<void>;
}

/** Options for startSandbox. */
export interface SandboxOptions {
  /**
   * true (default): binfmt_misc is mounted in the sandbox. false: it is not: the sandbox also has
   * its own pid namespace and a fresh /proc, whose binfmt_misc directory has nothing mounted on it
   * (as on a host that never mounted binfmt_misc), so it never shows the host's instance.
   */
  readonly mount?: boolean;
  /**
   * A directory of this host mounted over /var/cache inside the sandbox, where root's default
   * download and code caches live (/var/cache/qus): what qus run as root keeps there stays in it,
   * from one sandbox to the next. Without it the sandbox gets an empty tmpfs there. Either way
   * the host's own /var/cache is never written.
   */
  readonly varCache?: string;
}

const READY_TIMEOUT_MS = 15_000;
const DEFAULT_RUN_TIMEOUT_MS = 25_000;

// Holders still alive; killed when this process exits. A holder also exits by itself when its
// stdin (a pipe from this process) closes, so a test run that dies cannot leave one behind.
const liveHolders = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Starts a holder in new user + mount namespaces and proves its binfmt_misc is private. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const mount = options.mount ?? true;
  const binfmt = mount ? `mount -t binfmt_misc binfmt_misc ${SANDBOX_BINFMT_DIR}` : "true";
  // Root's default caches (/var/cache/qus) never reach the host's: a fresh tmpfs, or varCache.
  const varCache =
    options.varCache === undefined
      ? "mount -t tmpfs -o mode=0755 tmpfs /var/cache"
      : `mount --bind ${shellQuote(options.varCache)} /var/cache`;
  const setup = `${binfmt} && ${varCache}`;
  const script = `${setup} || exit 3\necho ready\nread -r _ || true\n`;
  const holder = await startHolder(script, mount);
  const sandbox = makeSandbox(holder, mount ? holder.pid! : await onlyChild(holder.pid!), !mount);
  try {
    await (mount ? provePrivate(sandbox) : proveUnmounted(sandbox));
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
  return sandbox;
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

async function startHolder(script: string, mount: boolean): Promise<ChildProcess> {
  installExitHook();
  // Unmounted: a pid namespace of its own lets a fresh /proc be mounted, with no binfmt_misc on it.
  const ownProc = mount ? [] : ["--pid", "--fork", "--kill-child", "--mount-proc"];
  const holder = spawn(
    "unshare",
    ["--user", "--map-root-user", "--mount", ...ownProc, "sh", "-c", script],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  liveHolders.add(holder);
  holder.once("exit", () => liveHolders.delete(holder));
  let stdout = "";
  let stderr = "";
  holder.stdout!.setEncoding("utf8");
  holder.stderr!.setEncoding("utf8");
  holder.stderr!.on("data", (chunk: string) => (stderr += chunk));

  await new Promise<void>((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      holder.off("close", onEarlyExit);
      holder.kill("SIGKILL");
      reject(new Error(explainStartFailure(why, stderr, mount)));
    };
    const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      fail(
        code === 3
          ? "setting up the mount inside the namespace failed"
          : `unshare exited with ${code ?? signal} before the sandbox was ready`,
      );
    const timer = setTimeout(
      () => fail(`the holder did not report ready within ${READY_TIMEOUT_MS} ms`),
      READY_TIMEOUT_MS,
    );
    holder.once("error", (error) => fail(`could not run unshare: ${error.message}`));
    holder.once("close", onEarlyExit);
    holder.stdout!.on("data", (chunk: string) => {
      stdout += chunk;
      if (stdout.includes("ready\n")) {
        clearTimeout(timer);
        holder.off("close", onEarlyExit);
        resolve();
      }
    });
  });
  // Never keep this process alive just for the holder.
  holder.unref();
  for (const stream of [holder.stdin, holder.stdout, holder.stderr])
    (stream as unknown as Socket | null)?.unref();
  return holder;
}

function explainStartFailure(why: string, stderr: string, mount: boolean): string {
  const output = stderr.trim() === "" ? "" : `\nIts stderr said:\n${stderr.trim()}`;
  const kernel = `This machine runs Linux ${release()}.`;
  const advice =
    /unshare failed|Operation not permitted|Permission denied/i.test(stderr) &&
    !/mount:/.test(stderr)
      ? "Creating a user namespace was refused: enable unprivileged user namespaces (sysctl " +
        "user.max_user_namespaces > 0, kernel.unprivileged_userns_clone=1, and on Ubuntu " +
        "kernel.apparmor_restrict_unprivileged_userns=0) or run the tests as root."
      : mount
        ? "Mounting binfmt_misc inside a user namespace failed. A private binfmt_misc instance needs " +
          "Linux 6.7 or later (binfmt_misc became per user namespace in 6.7)."
        : "Covering the binfmt_misc directory inside the namespace failed.";
  return (
    `Cannot start the private binfmt_misc sandbox the kernel tests need: ${why}. ${advice} ${kernel} ` +
    `These tests refuse to run against the host's binfmt_misc.${output}`
  );
}

/** The one child of `pid` (unshare --fork's process inside the new pid namespace). */
async function onlyChild(pid: number): Promise<number> {
  const children = (await readFile(`/proc/${pid}/task/${pid}/children`, "utf8")).trim().split(" ");
  if (children.length !== 1 || children[0] === "")
    throw new Error(`unshare ${pid} should have one child, has: ${children.join(", ")}`);
  return Number(children[0]);
}

function makeSandbox(holder: ChildProcess, pid: number, ownPidNamespace: boolean): Sandbox {
  let stopped = false;
  return {
    pid,
    binfmtDir: `/proc/${pid}/root${SANDBOX_BINFMT_DIR}`,
    run(cmd, args, options = {}) {
      if (stopped)
        return Promise.reject(new Error(`sandbox ${pid} was stopped; cannot run ${cmd}`));
      return runInside(pid, ownPidNamespace, cmd, args, options);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (holder.exitCode !== null || holder.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => holder.once("exit", () => resolve()));
      holder.kill("SIGKILL");
      await exited;
    },
  };
}

function runInside(
  pid: number,
  ownPidNamespace: boolean,
  cmd: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunResult> {
  const nsenterArgs = [
    "-t",
    String(pid),
    "-U",
    "-m",
    ...(ownPidNamespace ? ["-p"] : []),
    "--preserve-credentials",
    `--wd=${options.cwd ?? process.cwd()}`,
    "--",
    cmd,
    ...args,
  ];
  const timeoutMs = options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn("nsenter", nsenterArgs, {
      env: { ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `${cmd} ${args.join(" ")} did not finish within ${timeoutMs} ms inside sandbox ${pid}.\nstdout: ${stdout}\nstderr: ${stderr}`,
        ),
      );
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`could not run nsenter for ${cmd}: ${error.message}`));
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const signalNumber = signal === null ? 0 : constants.signals[signal];
      resolve({ code: code ?? 128 + signalNumber, stdout, stderr });
    });
    child.stdin.on("error", () => {}); // a command that ignores its input may close stdin early
    child.stdin.end(options.input ?? "");
  });
}

/** Proves the mounted sandbox instance is not the host's, before any test may write to it. */
async function provePrivate(sandbox: Sandbox): Promise<void> {
  const refuse = (why: string): never => {
    throw new Error(
      `The sandbox's binfmt_misc is not provably private (${why}); refusing to let tests touch it.`,
    );
  };
  const top = await topMount(`/proc/${sandbox.pid}/mountinfo`, SANDBOX_BINFMT_DIR);
  if (top?.fsType !== "binfmt_misc")
    refuse(`${SANDBOX_BINFMT_DIR} in the sandbox is ${top?.fsType ?? "not a mount"}`);
  const hostMounts = (await readMountInfo("/proc/self/mountinfo")).filter(
    (m) => m.fsType === "binfmt_misc",
  );
  if (hostMounts.some((m) => m.device === top!.device))
    refuse(`it has the same device ${top!.device} as a binfmt_misc mounted outside`);
  const initial = (await readdir(sandbox.binfmtDir)).sort();
  if (initial.join(",") !== "register,status")
    refuse(`a fresh instance must be empty, but it holds: ${initial.join(", ")}`);

  // Register a harmless probe (an extension entry nothing uses) from inside and look for it.
  const probe = `qus-sandbox-probe-${randomBytes(6).toString("hex")}`;
  const line = `:${probe}:E::${probe}::/nonexistent/${probe}:`;
  const registered = await sandbox.run(
    "sh",
    ["-c", `printf %s "$1" > ${SANDBOX_BINFMT_DIR}/register`, "sh", line],
    { cwd: "/" },
  );
  if (registered.code !== 0)
    refuse(`registering a probe inside failed: ${registered.stderr.trim()}`);
  if (!(await exists(join(sandbox.binfmtDir, probe))))
    refuse(`the probe registered inside is not visible at ${sandbox.binfmtDir}`);
  for (const mount of hostMounts) {
    if (await exists(join(mount.mountPoint, probe)))
      refuse(`the probe registered inside appeared in ${mount.mountPoint} outside`);
  }
  const removed = await sandbox.run("sh", ["-c", `printf %s -1 > ${SANDBOX_BINFMT_DIR}/${probe}`], {
    cwd: "/",
  });
  if (removed.code !== 0 || (await exists(join(sandbox.binfmtDir, probe))))
    refuse(`removing the probe failed: ${removed.stderr.trim()}`);
}

/** Proves the unmounted sandbox shows no binfmt_misc instance at all: nothing mounted there, empty. */
async function proveUnmounted(sandbox: Sandbox): Promise<void> {
  const top = await topMount(`/proc/${sandbox.pid}/mountinfo`, SANDBOX_BINFMT_DIR);
  const names = await readdir(sandbox.binfmtDir);
  if (top !== undefined || names.length !== 0) {
    throw new Error(
      `The unmounted sandbox's ${SANDBOX_BINFMT_DIR} should be procfs's empty directory with nothing on it, but it is ${top?.fsType ?? "not empty"}; refusing to continue.`,
    );
  }
}

/** The mount that is visible at `mountPoint` (the last one mounted there). */
async function topMount(mountInfoPath: string, mountPoint: string): Promise<MountInfo | undefined> {
  return (await readMountInfo(mountInfoPath)).filter((m) => m.mountPoint === mountPoint).at(-1);
}

/** The mounts listed in a /proc/<pid>/mountinfo file. */
async function readMountInfo(path: string): Promise<MountInfo[]> {
  return parseMountInfo(await readFile(path, "utf8"));
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const holder of liveHolders) holder.kill("SIGKILL");
  });
}
