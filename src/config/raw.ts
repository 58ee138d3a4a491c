// The config as written in the file (after schema validation, before defaults): the shape
// schemas/qus.config.schema.json describes. TS configs can type their export with it.

/** One entry of `targets`: a name or alias, or an object with per-target options. */
export type RawTarget =
  | string
  | { name: string; flags?: string; enabled?: boolean; hostFamily?: boolean };

/** `source` with `type: "local"`. */
export interface RawLocalSource {
  type: "local";
  path: string;
  pattern?: string | string[];
}

/** `source` with `type: "debian"`. */
export interface RawDebianSource {
  type: "debian";
  /** One suite, or several: each with its security suite is a candidate. */
  suite: string | string[];
  /** semver range on the upstream QEMU version, e.g. ">=9.2". */
  qemu?: string;
  mirror?: string;
  securityMirror?: string;
  version?: string;
  keyring?: string;
  security?: boolean;
}

/** `source` with `type: "fedora"`. */
export interface RawFedoraSource {
  type: "fedora";
  release: number;
  /** semver range on the upstream QEMU version, e.g. ">=10.1". */
  qemu?: string;
  mirror?: string;
  key?: string;
  version?: string;
  sha256?: Record<string, string>;
}

/** A config file's content. */
export interface RawConfig {
  $schema?: string;
  targets: RawTarget[];
  flags?: string;
  allowCredentials?: boolean;
  source: RawLocalSource | RawDebianSource | RawFedoraSource;
  installDir?: string;
  prefix?: string;
  hostCpu?: string;
  prune?: boolean;
  binfmtDir?: string;
  stateFile?: string;
  persist?: boolean;
  binfmtDDir?: string;
  cacheDir?: string;
  lockFile?: string;
}
