// The path every planning command shares: config -> desired (via the source) -> live -> plan.
import { machine } from "node:os";
import { describeHost, type HostCpu } from "../catalog/host.js";
import { loadConfig } from "../config/load.js";
import { CONFIG_DEFAULTS, type QusConfig } from "../config/types.js";
import { plan } from "../plan/plan.js";
import { resolveDesired, wantedEmulators } from "../plan/desired.js";
import type { Desired, Live, Plan } from "../plan/types.js";
import { sourceFor } from "../sources/index.js";
import type { ResolvedEmulator } from "../sources/types.js";
import { readLive } from "../state/live.js";
import { openHashCache, type FileHasher } from "../files/hash-cache.js";
import { dirname, join } from "node:path";
import { inInitialUserNamespace, refuseUnsafePath, trustedOwners } from "../state/strict-modes.js";
import type { CommandIO } from "../cli/io.js";

/** Everything a plan was computed from, kept for apply and for the JSON view. */
export interface Planned {
  readonly config: QusConfig;
  readonly host: HostCpu;
  readonly desired: Desired;
  readonly live: Live;
  readonly plan: Plan;
}

/** The host qus runs on (QUS_HOST_MACHINE overrides uname -m, for tests of other hosts). */
export function currentHost(env: NodeJS.ProcessEnv): HostCpu {
  return describeHost(env.QUS_HOST_MACHINE || machine());
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

/** As root, refuses a config file, installDir or binfmtDDir that other users could change (like ssh's StrictModes). */
export async function refuseUnsafePaths(config: QusConfig): Promise<void> {
  if (process.geteuid?.() !== 0) return;
  const trusted = await trustedOwners();
  const guarded = [
    ...(config.file === null ? [] : [{ path: config.file, what: "config file" }]),
    { path: config.installDir, what: "installDir" },
    ...(config.persist === true ? [{ path: config.binfmtDDir, what: "binfmtDDir" }] : []),
  ];
  for (const path of guarded) await refuseUnsafePath(path, trusted);
}

/** Plans the config, or, with `destroy`, the removal of everything qus owns; `readOnly` writes no cache. */
export async function planConfig(
  config: QusConfig,
  io: CommandIO,
  options: { destroy: boolean; upgrade?: boolean; readOnly?: boolean },
): Promise<Planned> {
  const settled: QusConfig = { ...config, persist: config.persist ?? (await persistByDefault()) };
  await refuseUnsafePaths(settled);
  const host = currentHost(io.env);
  const wanted: QusConfig = options.destroy ? { ...settled, targets: [], prune: true } : settled;
  const hashes = await openHashCache(hashCacheFile(config));
  const emulators = await resolveEmulators(wanted, host, io, options.upgrade ?? false, hashes.hash);
  const desired = resolveDesired(wanted, host, emulators);
  const live = await readLive(desired, config.stateFile, hashes.hash);
  // readOnly (qus doctor): the fingerprints just computed are not remembered on disk.
  if (options.readOnly !== true) await hashes.save();
  return { config, host, desired, live, plan: plan(desired, live) };
}

/** Beside the state file: the fingerprints of the emulator files qus reads on every plan. */
export function hashCacheFile(config: QusConfig): string {
  return join(dirname(config.stateFile), "file-hashes.json");
}

async function resolveEmulators(
  config: QusConfig,
  host: HostCpu,
  io: CommandIO,
  upgrade: boolean,
  hashFile: FileHasher,
): Promise<ResolvedEmulator[]> {
  const names = wantedEmulators(config, host);
  if (names.length === 0) return [];
  const source = await sourceFor(config.source);
  const context = {
    host,
    requireStatic: config.targets.some((t) => t.flags.includes("F")),
    env: io.env,
    lockFile: config.lockFile,
    cacheDir: config.cacheDir,
    upgrade,
    hashFile,
    onWarning: (message: string) => io.stderr.write(`Warning: ${message}\n`),
  };
  if (config.source.type === "local") return source.resolve(names, context);
  const { withDownloadProgress } = await import("../cli/download-progress.js");
  const title = `Resolve ${names.length} emulator${names.length === 1 ? "" : "s"} from ${describeSource(config.source)}`;
  return withDownloadProgress(title, io.stderr, (onProgress) =>
    source.resolve(names, { ...context, onProgress }),
  );
}

function describeSource(source: QusConfig["source"]): string {
  if (source.type === "debian") return `debian ${source.suite}`;
  if (source.type === "fedora") return `fedora ${source.release}`;
  return source.path;
}
