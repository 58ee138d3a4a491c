// The guards every planning command passes before it acts: as root, only paths and files that
// only root (or, for what root reads, the user who ran sudo) can change, like ssh's StrictModes;
// and never a file in installDir that qus did not install.
import type { QusConfig } from "../config/types.js";
import { QusError } from "../errors.js";
import { foreignEmulatorFiles } from "../plan/ownership.js";
import type { Desired, Live } from "../plan/types.js";
import type { ResolvedEmulator } from "../sources/types.js";
import {
  fileControlProblem,
  type GuardedPath,
  inputOwners,
  refuseUnsafePath,
  trustedOwners,
} from "./strict-modes.js";

/**
 * As root, refuses (like ssh's StrictModes) paths others could change: installDir, binfmtDDir and
 * the state file must be root's; what root reads to decide what to install (the config file, the
 * lock file, a keyring) may also belong to the user who ran sudo.
 */
export async function refuseUnsafePaths(config: QusConfig, env: NodeJS.ProcessEnv): Promise<void> {
  if (process.geteuid?.() !== 0) return;
  const [rootOnly, inputs] = await Promise.all([trustedOwners(), inputOwners(env)]);
  const keyring =
    config.source.type === "debian"
      ? config.source.keyring
      : config.source.type === "fedora" && config.source.key?.startsWith("/")
        ? config.source.key
        : undefined;
  const guarded: (readonly [GuardedPath, readonly number[]])[] = [
    ...(config.file === null
      ? []
      : [[{ path: config.file, what: "config file" }, inputs] as const]),
    [{ path: config.installDir, what: "installDir" }, rootOnly],
    ...(config.persist === true
      ? [[{ path: config.binfmtDDir, what: "binfmtDDir" }, rootOnly] as const]
      : []),
    [{ path: config.stateFile, what: "stateFile" }, rootOnly],
    // Its blobs and file fingerprints decide what root installs, like the state file.
    [{ path: config.cacheDir, what: "cacheDir" }, rootOnly],
    ...(config.source.type === "local"
      ? []
      : [[{ path: config.lockFile, what: "lockFile" }, inputs] as const]),
    ...(keyring === undefined ? [] : [[{ path: keyring, what: "keyring" }, inputs] as const]),
  ];
  for (const [path, owners] of guarded) await refuseUnsafePath(path, owners);
}

/** As root, refuses a local source's emulator (or a directory above it) that others could change. */
export async function refuseUnsafeLocalEmulators(
  config: QusConfig,
  emulators: readonly ResolvedEmulator[],
  env: NodeJS.ProcessEnv,
): Promise<void> {
  if (process.geteuid?.() !== 0 || config.source.type !== "local") return;
  const owners = await inputOwners(env);
  const verified = new Set<string>();
  for (const emulator of emulators)
    await refuseUnsafePath(
      { path: emulator.path, what: "local source emulator" },
      owners,
      verified,
    );
}

/** As root, marks the live emulator files others control: the planner reinstalls (or refuses) them. */
export async function markUntrusted(live: Live): Promise<Live> {
  if (process.geteuid?.() !== 0) return live;
  const owners = await trustedOwners();
  const files = await Promise.all(
    live.files.map(async (file) => {
      const untrusted = file.sha256 === null ? null : await fileControlProblem(file.path, owners);
      return untrusted === null ? file : { ...file, untrusted };
    }),
  );
  return { ...live, files };
}

/** Refuses a plan that would overwrite a file in installDir that qus never installed. */
export function refuseForeignFiles(desired: Desired, live: Live, stateFile: string): void {
  const foreign = foreignEmulatorFiles(desired, live);
  if (foreign.length === 0) return;
  const lines = foreign.map((f) => `  ${f.path}: ${f.why}`).join("\n");
  throw new QusError(
    `Refusing to replace ${foreign.length === 1 ? "a file" : "files"} qus did not install (the state file ${stateFile} has no record of ${foreign.length === 1 ? "it" : "them"}):\n${lines}`,
    {
      hint: `if ${foreign[0]!.path} is not needed, remove it yourself; otherwise choose another installDir`,
    },
  );
}
