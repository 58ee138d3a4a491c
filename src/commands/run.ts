// `qus run -- CMD`: rootless emulation. Creates a private user namespace with its own
// binfmt_misc instance (Linux 6.7+), registers the configured targets there with emulators
// kept in the user's cache, and runs CMD inside. Nothing on the host changes, and no privilege
// is needed: the kernel gives every user namespace its own binfmt_misc.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { constants } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { CliArgs } from "../cli/args.js";
import type { CommandIO } from "../cli/io.js";
import type { QusConfig } from "../config/types.js";
import { QusError } from "../errors.js";
import { executePlan } from "../apply/execute.js";
import { persistLockChange } from "../sources/lock-change.js";
import { realEffects } from "../apply/effects.js";
import { readBinfmt } from "../kernel/binfmt.js";
import { renderApplyComplete } from "../views/plan-text.js";
import { loadCommandConfig, planConfig } from "./pipeline.js";

/** The standard mount point, where the private instance is mounted inside the namespace. */
export const RUN_BINFMT_DIR = "/proc/sys/fs/binfmt_misc";
/** Exit status of the namespace's setup script when mounting binfmt_misc failed. */
const MOUNT_FAILED = 125;
/** Environment through which the outer qus tells the inner one its cache and the host's instances. */
const CACHE_ENV = "QUS_RUN_CACHE_DIR";
const HOST_DEVICES_ENV = "QUS_RUN_HOST_BINFMT_DEVICES";

/** The settings qus run applies with: the config's targets, everything else private to the user. */
export function runSettings(config: QusConfig, cacheDir: string): QusConfig {
  const runDir = join(cacheDir, "run");
  return {
    ...config,
    binfmtDir: RUN_BINFMT_DIR,
    installDir: join(runDir, "emulators"),
    stateFile: join(runDir, "state.json"),
    cacheDir,
    prune: true,
    persist: false,
  };
}

/** Runs CMD in a private binfmt_misc; returns CMD's exit status. */
export async function runCommand(
  args: Extract<CliArgs, { command: "run" }>,
  io: CommandIO,
): Promise<number> {
  if (args.argv.length === 0)
    throw new QusError("qus run needs a command to run, e.g. qus run -- ./hello-arm64");
  return args.inside ? runInside(args, io) : enterNamespace(args, io);
}

/** Outside: check the config as the real user, then re-run qus inside new namespaces. */
async function enterNamespace(
  args: Extract<CliArgs, { command: "run" }>,
  io: CommandIO,
): Promise<number> {
  const config = await loadCommandConfig(args.configPath, io);
  // The script node was started with: dist/bin/qus.js, or the single-file bundle.
  const self = process.argv[1] ?? fileURLToPath(new URL("../cli/main.js", import.meta.url));
  const forwarded = [
    "run",
    "--inside",
    ...(config.file ? ["-c", config.file] : []),
    ...(args.color === false ? ["--no-color"] : []),
    "--",
    ...args.argv,
  ];
  const setup = `mount -t binfmt_misc binfmt_misc ${RUN_BINFMT_DIR} || exit ${MOUNT_FAILED}; exec "$@"`;
  const env = {
    ...io.env,
    [CACHE_ENV]: config.cacheDir,
    [HOST_DEVICES_ENV]: (await binfmtDevices("/proc/self/mountinfo")).join(","),
  };
  const code = await runInherited(
    "unshare",
    [
      "--user",
      "--map-root-user",
      "--mount",
      "--",
      "sh",
      "-c",
      setup,
      "sh",
      process.execPath,
      self,
      ...forwarded,
    ],
    io,
    env,
  );
  if (code === MOUNT_FAILED) {
    throw new QusError("Could not mount a private binfmt_misc instance in a new user namespace", {
      hint: "qus run needs Linux 6.7 or later (binfmt_misc per user namespace) and unprivileged user namespaces enabled",
    });
  }
  if (code === null)
    throw new QusError("Could not run unshare (util-linux) to create a private user namespace");
  return code;
}

/** Inside: prove the instance is private, register the targets, then run CMD. */
async function runInside(
  args: Extract<CliArgs, { command: "run" }>,
  io: CommandIO,
): Promise<number> {
  const cacheDir = io.env[CACHE_ENV];
  if (cacheDir === undefined || cacheDir === "")
    throw new QusError("qus run --inside is internal to qus run");
  await provePrivate(io.env[HOST_DEVICES_ENV] ?? "");
  const config = runSettings(await loadCommandConfig(args.configPath, io), cacheDir);
  const planned = await planConfig(config, io, { destroy: false });
  const applied = await executePlan(planned.plan, {
    binfmtDir: config.binfmtDir,
    stateFile: config.stateFile,
    state: planned.live.state,
    effects: realEffects,
    runGroups: async (groups) => {
      for (const group of groups) await group.run();
    },
  });
  await persistLockChange(planned.lock);
  const registered = planned.desired.registrations.map((r) => r.target).join(", ") || "no targets";
  io.stderr.write(
    `qus run: ${registered} registered in a private binfmt_misc; ${renderApplyComplete(applied).trim()}\n`,
  );
  const [command, ...rest] = args.argv;
  const code = await runInherited(command!, rest, io, stripInternal(io.env));
  if (code === null) throw new QusError(`Cannot run ${command}: not found or not executable`);
  return code;
}

/** Refuses to register anything unless the instance at RUN_BINFMT_DIR is new and not the host's. */
async function provePrivate(hostDevices: string): Promise<void> {
  const refuse = (why: string): never => {
    throw new QusError(
      `Refusing to register: the binfmt_misc at ${RUN_BINFMT_DIR} is not provably private (${why})`,
    );
  };
  const mounts = await readMountInfo("/proc/self/mountinfo");
  const top = mounts.filter((m) => m.mountPoint === RUN_BINFMT_DIR).at(-1);
  if (top?.fsType !== "binfmt_misc") refuse(`it is ${top?.fsType ?? "not a mount"}`);
  if (hostDevices.split(",").includes(top!.device))
    refuse(`it is the host's instance ${top!.device}`);
  const kernel = await readBinfmt(RUN_BINFMT_DIR);
  if (!kernel.mounted || kernel.entries.length > 0)
    refuse("a new instance is empty, this one is not");
}

interface MountInfo {
  readonly device: string;
  readonly mountPoint: string;
  readonly fsType: string;
}

async function readMountInfo(path: string): Promise<MountInfo[]> {
  const text = await readFile(path, "utf8");
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const fields = line.split(" ");
      return {
        device: fields[2] ?? "",
        mountPoint: fields[4] ?? "",
        fsType: fields[fields.indexOf("-") + 1] ?? "",
      };
    });
}

async function binfmtDevices(path: string): Promise<string[]> {
  try {
    return (await readMountInfo(path))
      .filter((m) => m.fsType === "binfmt_misc")
      .map((m) => m.device);
  } catch {
    return [];
  }
}

function stripInternal(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { [CACHE_ENV]: _cache, [HOST_DEVICES_ENV]: _devices, ...rest } = env;
  return rest;
}

/** Runs a command with this process's stdio; null when it could not be started. Signals pass through as 128+n. */
function runInherited(
  cmd: string,
  argv: readonly string[],
  io: CommandIO,
  env: NodeJS.ProcessEnv,
): Promise<number | null> {
  return new Promise((done) => {
    const child = spawn(cmd, [...argv], { stdio: "inherit", env, cwd: resolve(io.cwd) });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    const finish = (code: number | null) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      done(code);
    };
    child.once("error", () => finish(null));
    child.once("exit", (code, signal) =>
      finish(code ?? 128 + (signal ? constants.signals[signal] : 0)),
    );
  });
}
