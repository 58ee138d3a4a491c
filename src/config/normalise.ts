// Turns a validated raw config into QusConfig: defaults applied, aliases resolved to QEMU's
// names, flags in the kernel's order, paths absolute (relative ones are relative to the
// config file's directory, so a config means the same whatever directory qus runs from).
import { resolve } from "node:path";
import { resolveTargetName } from "../catalog/targets.js";
import { normaliseFlags } from "../catalog/flags.js";
import type {
  RawConfig,
  RawDebianSource,
  RawFedoraSource,
  RawLocalSource,
  RawTarget,
} from "./raw.js";
import { CONFIG_DEFAULTS, type QusConfig, type SourceConfig, type TargetRequest } from "./types.js";

/** What normalising needs besides the file's content. */
export interface NormaliseContext {
  /** The config file (absolute), or null for a config that has none. */
  readonly configFile: string | null;
  /** Directory relative paths are resolved against (the config file's). */
  readonly baseDir: string;
  /** cacheDir when the config sets none (depends on the user and environment). */
  readonly defaultCacheDir: string;
}

/** The QusConfig a valid raw config means. Call only after validation found no problem. */
export function normaliseConfig(raw: RawConfig, context: NormaliseContext): QusConfig {
  const path = (value: string): string => resolve(context.baseDir, value);
  const flags = normaliseFlags(raw.flags ?? CONFIG_DEFAULTS.flags);
  return {
    file: context.configFile,
    targets: raw.targets.map((entry) => normaliseTarget(entry, flags)),
    flags,
    allowCredentials: raw.allowCredentials ?? CONFIG_DEFAULTS.allowCredentials,
    source: normaliseSource(raw.source, path),
    installDir: path(raw.installDir ?? CONFIG_DEFAULTS.installDir),
    prefix: raw.prefix ?? CONFIG_DEFAULTS.prefix,
    hostCpu: raw.hostCpu === undefined ? null : (resolveTargetName(raw.hostCpu)?.name ?? null),
    prune: raw.prune ?? CONFIG_DEFAULTS.prune,
    binfmtDir: path(raw.binfmtDir ?? CONFIG_DEFAULTS.binfmtDir),
    stateFile: path(raw.stateFile ?? CONFIG_DEFAULTS.stateFile),
    persist: raw.persist ?? null,
    binfmtDDir: path(raw.binfmtDDir ?? CONFIG_DEFAULTS.binfmtDDir),
    cacheDir: path(raw.cacheDir ?? context.defaultCacheDir),
    lockFile: path(raw.lockFile ?? CONFIG_DEFAULTS.lockFileName),
  };
}

function normaliseTarget(entry: RawTarget, defaultFlags: string): TargetRequest {
  const spec = typeof entry === "string" ? { name: entry } : entry;
  const target = resolveTargetName(spec.name);
  if (target === undefined) throw new Error(`normaliseConfig: unvalidated target "${spec.name}"`);
  return {
    target: target.name,
    requestedAs: spec.name,
    flags: spec.flags === undefined ? defaultFlags : normaliseFlags(spec.flags),
    enabled: spec.enabled ?? true,
    allowHostFamily: spec.hostFamily ?? false,
  };
}

function normaliseSource(
  source: RawLocalSource | RawDebianSource | RawFedoraSource,
  path: (value: string) => string,
): SourceConfig {
  switch (source.type) {
    case "local": {
      const patterns =
        source.pattern === undefined
          ? CONFIG_DEFAULTS.localPatterns
          : typeof source.pattern === "string"
            ? [source.pattern]
            : source.pattern;
      return { type: "local", path: path(source.path), patterns: [...patterns] };
    }
    case "debian":
      return {
        type: "debian",
        suites: typeof source.suite === "string" ? [source.suite] : [...source.suite],
        ...(source.qemu === undefined ? {} : { qemu: source.qemu.trim() }),
        ...(source.mirror === undefined ? {} : { mirror: source.mirror }),
        ...(source.securityMirror === undefined ? {} : { securityMirror: source.securityMirror }),
        ...(source.version === undefined ? {} : { version: source.version }),
        ...(source.keyring === undefined ? {} : { keyring: path(source.keyring) }),
        ...(source.security === undefined ? {} : { security: source.security }),
      };
    case "fedora":
      return {
        type: "fedora",
        release: source.release,
        ...(source.qemu === undefined ? {} : { qemu: source.qemu.trim() }),
        ...(source.mirror === undefined ? {} : { mirror: source.mirror }),
        // The key is a file (made absolute) unless it is the armored key itself.
        ...(source.key === undefined
          ? {}
          : { key: source.key.includes("-----BEGIN PGP") ? source.key : path(source.key) }),
        ...(source.version === undefined ? {} : { version: source.version }),
        ...(source.sha256 === undefined
          ? {}
          : {
              sha256: Object.fromEntries(
                Object.entries(source.sha256).map(([k, v]) => [k, v.toLowerCase()]),
              ),
            }),
      };
  }
}
