// The path every planning command shares: config -> desired (via the source) -> live -> plan.
import { machine } from "node:os";
import { describeHost, type HostCpu } from "../catalog/host.js";
import { loadConfig } from "../config/load.js";
import type { QusConfig } from "../config/types.js";
import { plan } from "../plan/plan.js";
import { resolveDesired, wantedEmulators } from "../plan/desired.js";
import type { Desired, Live, Plan } from "../plan/types.js";
import { sourceFor } from "../sources/index.js";
import type { ResolvedEmulator } from "../sources/types.js";
import { readLive } from "../state/live.js";
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
export function loadCommandConfig(configPath: string | undefined, io: CommandIO): Promise<QusConfig> {
  return loadConfig({ configPath, cwd: io.cwd, env: io.env });
}

/** Plans the config, or, with `destroy`, the removal of everything qus owns. */
export async function planConfig(config: QusConfig, io: CommandIO, options: { destroy: boolean }): Promise<Planned> {
  const host = currentHost(io.env);
  const wanted: QusConfig = options.destroy ? { ...config, targets: [], prune: true } : config;
  const emulators = await resolveEmulators(wanted, host, io);
  const desired = resolveDesired(wanted, host, emulators);
  const live = await readLive(desired, config.stateFile);
  return { config, host, desired, live, plan: plan(desired, live) };
}

async function resolveEmulators(config: QusConfig, host: HostCpu, io: CommandIO): Promise<ResolvedEmulator[]> {
  const names = wantedEmulators(config, host);
  if (names.length === 0) return [];
  const source = await sourceFor(config.source);
  const requireStatic = config.targets.some((t) => t.flags.includes("F"));
  return source.resolve(names, {
    host,
    requireStatic,
    env: io.env,
    lockFile: config.lockFile,
    cacheDir: config.cacheDir,
    upgrade: false,
    onWarning: (message) => io.stderr.write(`Warning: ${message}\n`),
  });
}
