// The validated, normalised configuration every other module works from. The raw file shape
// is described by schemas/qus.config.schema.json; this is what it means once defaults apply.

/** Where emulator binaries come from: a tagged union, one member per source type. */
export type SourceConfig = LocalSourceConfig | DebianSourceConfig | FedoraSourceConfig;

/** Emulators already on disk, e.g. from a distro package or a QEMU build. */
export interface LocalSourceConfig {
  readonly type: "local";
  /** Directory holding the emulators (absolute, resolved against the config file). */
  readonly path: string;
  /** File name patterns tried in order; `{target}` is replaced by the emulator's target. */
  readonly patterns: readonly string[];
}

/** Emulators downloaded from a Debian mirror, verified the way apt verifies them. */
export interface DebianSourceConfig {
  readonly type: "debian";
  /** Codenames (bookworm, trixie, trixie-backports...), at least one; each is a candidate with its security suite. */
  readonly suites: readonly string[];
  /** semver range the upstream QEMU version must satisfy (">=9.2"); absent means any. */
  readonly qemu?: string;
  /** Mirror base URL; absent means the Debian mirror in the host's APT sources. */
  readonly mirror?: string;
  /** Base URL holding `<suite>-security`; absent means the same as `mirror`. */
  readonly securityMirror?: string;
  /** Exact package version pin (must satisfy `qemu`); absent means the newest. */
  readonly version?: string;
  /** Trusted keyring (absolute); absent means Debian's archive keyring. */
  readonly keyring?: string;
  /** Also consider `<suite>-security`; absent lets the source decide (on for stable suites). */
  readonly security?: boolean;
}

/** Emulators downloaded from a Fedora mirror, each package's header signature verified as rpm does. */
export interface FedoraSourceConfig {
  readonly type: "fedora";
  /** Fedora release number (43, 44...). */
  readonly release: number;
  /** semver range the upstream QEMU version must satisfy; absent means any. */
  readonly qemu?: string;
  /** Mirror base URL (holds releases/ and updates/); absent means Fedora's public mirror. */
  readonly mirror?: string;
  /** Trusted key: an absolute file path, or the armored key itself; absent means the release's key in /etc/pki/rpm-gpg. */
  readonly key?: string;
  /** Exact `[epoch:]version-release` pin, e.g. 9.1.2-3.fc41; absent means the newest. */
  readonly version?: string;
  /** SHA-256 pins of whole .rpm files, by package name or file name: such a package needs no signature. */
  readonly sha256?: Readonly<Record<string, string>>;
}

/** One target the user asked for, after alias resolution and defaults. */
export interface TargetRequest {
  /** Canonical QEMU target name (aarch64, arm, riscv64...). */
  readonly target: string;
  /** What the user wrote (an alias, or the canonical name). */
  readonly requestedAs: string;
  /** binfmt flags, normalised to the kernel's order P, O, C, F (C implies O). */
  readonly flags: string;
  readonly enabled: boolean;
  /** The user opted in to a target of the host's own CPU family. */
  readonly allowHostFamily: boolean;
}

/** The whole configuration with defaults applied and paths absolute. */
export interface QusConfig {
  /** The file it came from, or null for the embedded default. */
  readonly file: string | null;
  readonly targets: readonly TargetRequest[];
  /** Default flags (normalised); per-target flags override them. */
  readonly flags: string;
  readonly allowCredentials: boolean;
  readonly source: SourceConfig;
  readonly installDir: string;
  /** binfmt_misc entries whose name starts with this are qus's own. */
  readonly prefix: string;
  /** The host's CPU as a catalog target, declared for a host whose uname -m qus does not know; null: from uname -m. */
  readonly hostCpu: string | null;
  readonly prune: boolean;
  readonly binfmtDir: string;
  /** Where qus records what it installed and registered. */
  readonly stateFile: string;
  /**
   * Write a binfmt.d file per entry so systemd-binfmt re-registers it at boot. null: not set, which
   * means true for the host's own binfmt_misc and false inside a user namespace (see the pipeline).
   */
  readonly persist: boolean | null;
  /** Directory of those files (absolute). */
  readonly binfmtDDir: string;
  /** Download cache of the Debian source (absolute). Always set by loadConfig. */
  readonly cacheDir: string;
  /** qus.lock.json (absolute; beside the config file by default). Always set by loadConfig. */
  readonly lockFile: string;
}

/** Defaults for optional fields, also documented in the schema and README. */
export const CONFIG_DEFAULTS = {
  flags: "POF",
  allowCredentials: false,
  installDir: "/usr/local/lib/qus",
  prefix: "qemu-",
  prune: true,
  binfmtDir: "/proc/sys/fs/binfmt_misc",
  stateFile: "/var/lib/qus/state.json",
  /** On the host (initial user namespace); inside a user namespace the instance dies with it, so off. */
  persist: true,
  binfmtDDir: "/etc/binfmt.d",
  localPatterns: ["qemu-{target}-static", "qemu-{target}"],
  /** cacheDir when running as root; other users get $XDG_CACHE_HOME/qus. */
  rootCacheDir: "/var/cache/qus",
  /** lockFile's name, beside the config file. */
  lockFileName: "qus.lock.json",
} as const;
