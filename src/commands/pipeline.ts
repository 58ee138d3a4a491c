// The path every planning command shares: config -> desired (via the source) -> live -> plan.
import { endianness, machine } from "node:os";
import { describeHost, type HostCpu } from "../catalog/host.js";
import { loadConfig } from "../config/load.js";
import { CONFIG_DEFAULTS, type QusConfig } from "../config/types.js";
import { plan } from "../plan/plan.js";
import { resolveDesired, wantedEmulators } from "../plan/desired.js";
import type { Desired, Live, Plan } from "../plan/types.js";
import { sourceFor } from "../sources/index.js";
import type { Resolution } from "../sources/types.js";
import type { SourceLock } from "../sources/lock.js";
import { lockChange, type LockChange } from "../sources/lock-change.js";
import { readLive } from "../state/live.js";
import type { BinfmtState } from "../kernel/binfmt.js";
import { openHashCache, type FileHasher } from "../files/hash-cache.js";
import { openVersionCache } from "../currency/version-cache.js";
import { withLiveQemuVersions, withQemuVersions } from "../currency/plan-versions.js";
import { join } from "node:path";
import { inInitialUserNamespace } from "../state/strict-modes.js";
import {
  markUntrusted,
  refuseForeignFiles,
  refuseUnsafeLocalEmulators,
  refuseUnsafePaths,
} from "../state/root-guards.js";
import { styleFor, type CommandIO } from "../cli/io.js";
import { refuseSystemInstallDir } from "../state/install-dir.js";
import { proveBinfmtDir } from "../kernel/binfmt-dir.js";
import { SourceError } from "../errors.js";
import { fieldPosition } from "../config/field-position.js";

/** Everything a plan was computed from, kept for apply and for the JSON view. */
export interface Planned {
  readonly config: QusConfig;
  readonly host: HostCpu;
  readonly desired: Desired;
  readonly live: Live;
  readonly plan: Plan;
  /** The lock the source resolved (null for sources without one), before anything writes it. */
  readonly resolvedLock: SourceLock | null;
  /** The lock file this resolution would write (null: none, or already the same); apply writes it. */
  readonly lock: LockChange | null;
}

/**
 * The host qus runs on: the config's hostCpu, else uname -m (QUS_HOST_MACHINE stands for uname -m
 * in tests of other hosts; it is a test hook, the user's way is hostCpu). Unknown CPUs are refused.
 */
export function currentHost(env: NodeJS.ProcessEnv, config: Pick<QusConfig, "hostCpu">): HostCpu {
  return describeHost(env.QUS_HOST_MACHINE || machine(), endianness(), config.hostCpu ?? undefined);
}

/** Loads the config named on the command line (or found in the working directory). */
export function loadCommandConfig(
  configPath: string | undefined,
  io: CommandIO,
): Promise<QusConfig> {
  return loadConfig({ configPath, cwd: io.cwd, env: io.env });
}

/**
 * persist's default: true on the host, false inside a user namespace (rootless qus, qus demo,
 * containers, tests), whose private binfmt_misc instance vanishes with it, while binfmt.d files
 * would be read at the next boot by the host's systemd-binfmt and register entries there.
 */
export async function persistByDefault(): Promise<boolean> {
  return (await inInitialUserNamespace()) ? CONFIG_DEFAULTS.persist : false;
}

/**
 * Plans the config, or, with `destroy`, the removal of everything qus owns. `kernel` stands for
 * the binfmt_misc instance when it is not readable yet (qus run's, created after planning);
 * `readOnly` writes no cache.
 */
export async function planConfig(
  config: QusConfig,
  io: CommandIO,
  options: {
    destroy: boolean;
    upgrade?: boolean;
    lock?: SourceLock | null;
    color?: boolean;
    kernel?: BinfmtState;
    /** qus doctor: write nothing, not even the caches. */
    readOnly?: boolean;
  },
): Promise<Planned> {
  const settled: QusConfig = { ...config, persist: config.persist ?? (await persistByDefault()) };
  // First of all: a binfmtDir that is not binfmt_misc stops the run before any download or write.
  // (qus run's instance does not exist yet: its namespace script proves it private.)
  if (options.kernel === undefined) await proveBinfmtDir(settled.binfmtDir);
  await refuseSystemInstallDir(settled.installDir);
  await refuseUnsafePaths(settled, io.env);
  const host = currentHost(io.env, config);
  const wanted: QusConfig = options.destroy ? { ...settled, targets: [], prune: true } : settled;
  const [hashes, versions] = await Promise.all([
    openHashCache(hashCacheFile(config)),
    openVersionCache(versionCacheFile(config)),
  ]);
  const resolution = await resolveEmulators(wanted, host, io, hashes.hash, options);
  await refuseUnsafeLocalEmulators(wanted, resolution.emulators, io.env);
  const emulators = await withQemuVersions(resolution.emulators, versions.versionOf);
  const resolved = resolveDesired(wanted, host, emulators);
  const desired = options.destroy ? resolved : await withConfigWarnings(resolved, settled, io);
  const live = await withLiveQemuVersions(
    await markUntrusted(await readLive(desired, config.stateFile, hashes.hash, options.kernel)),
    desired,
    versions.versionOf,
  );
  // readOnly (qus doctor): the fingerprints and versions just computed are not remembered on disk.
  if (options.readOnly !== true) await Promise.all([hashes.save(), versions.save()]);
  refuseForeignFiles(desired, live, config.stateFile);
  const lock = resolution.lock === null ? null : await lockChange(config.lockFile, resolution.lock);
  return {
    config,
    host,
    desired,
    live,
    plan: plan(desired, live),
    resolvedLock: resolution.lock,
    lock,
  };
}

/** Warnings about the config as written, each at its position: an empty list with prune removes everything. */
async function withConfigWarnings(
  desired: Desired,
  config: QusConfig,
  io: CommandIO,
): Promise<Desired> {
  if (config.targets.length > 0 || !config.prune) return desired;
  const where = await fieldPosition(config.file, "/targets", io.cwd);
  const warning = `${where === null ? "" : `${where}: `}targets is empty and prune is on: apply removes every binfmt_misc entry qus owns (prefix ${JSON.stringify(config.prefix)}); to remove them on purpose, run qus destroy`;
  return { ...desired, warnings: [...desired.warnings, warning] };
}

/** In the download cache (a plan changes nothing else): the QEMU version each emulator content reports, by SHA-256. */
export function versionCacheFile(config: Pick<QusConfig, "cacheDir">): string {
  return join(config.cacheDir, "emulator-versions.json");
}

/**
 * In the download cache, the one place a plan may write (Ansible's --check runs plan): the
 * fingerprints of the emulator files qus reads on every plan. As root the cache is root's alone.
 */
export function hashCacheFile(config: Pick<QusConfig, "cacheDir">): string {
  return join(config.cacheDir, "file-hashes.json");
}

async function resolveEmulators(
  config: QusConfig,
  host: HostCpu,
  io: CommandIO,
  hashFile: FileHasher,
  options: { upgrade?: boolean; lock?: SourceLock | null; color?: boolean },
): Promise<Resolution> {
  const names = wantedEmulators(config, host);
  if (names.length === 0) return { emulators: [], lock: null };
  const source = await sourceFor(config.source);
  const context = {
    host,
    requireStatic: config.targets.some((t) => t.flags.includes("F")),
    env: io.env,
    lockFile: config.lockFile,
    lock: options.lock,
    cacheDir: config.cacheDir,
    upgrade: options.upgrade ?? false,
    hashFile,
    onWarning: (message: string) =>
      io.stderr.write(
        `${styleFor(io.stderr, io.env, options.color).warning("Warning:")} ${message}\n`,
      ),
  };
  try {
    if (config.source.type === "local") return await source.resolve(names, context);
    const { withDownloadProgress } = await import("../cli/download-progress.js");
    const title = `Resolve ${names.length} emulator${names.length === 1 ? "" : "s"} from ${describeSource(config.source)}`;
    return await withDownloadProgress(title, io.stderr, (sinks) =>
      source.resolve(names, { ...context, ...sinks }),
    );
  } catch (error) {
    throw await placeInConfig(error, config, io);
  }
}

/** A source error about a config field names where that field is written: `file:line:column: ...`. */
async function placeInConfig(error: unknown, config: QusConfig, io: CommandIO): Promise<unknown> {
  if (!(error instanceof SourceError) || error.field === undefined) return error;
  const where = await fieldPosition(config.file, error.field, io.cwd);
  if (where === null) return error;
  return new SourceError(`${where}: ${error.message}`, { cause: error, hint: error.hint });
}

function describeSource(source: QusConfig["source"]): string {
  if (source.type === "debian") return `debian ${source.suites.join(", ")}`;
  if (source.type === "fedora") return `fedora ${source.release}`;
  return source.path;
}
