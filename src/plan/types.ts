// The data the pure planner works on: what is wanted (Desired), what is there (Live), and
// the difference (Plan). Magic and mask are lowercase hex; flags are normalised strings.

/** A binfmt_misc registration qus wants. */
export interface DesiredRegistration {
  /** Entry name: prefix + target, e.g. qemu-aarch64. */
  readonly name: string;
  readonly target: string;
  readonly interpreter: string;
  /** Normalised flags, subset of "POCF" in that order. */
  readonly flags: string;
  readonly offset: number;
  readonly magic: string;
  readonly mask: string;
  readonly enabled: boolean;
}

/** An emulator file qus wants installed at `path` with exactly this content. */
export interface DesiredEmulator {
  readonly path: string;
  /** Emulator program (qemu-aarch64...), shared by the targets that run under it. */
  readonly emulator: string;
  readonly sha256: string;
  readonly size: number;
  /** Where the content comes from, for display and for the apply step. */
  readonly origin: EmulatorOrigin;
  /** The upstream QEMU version the content reports (e.g. "11.1.3"), when known. */
  readonly qemuVersion?: string;
}

/** How apply obtains an emulator's bytes. */
export type EmulatorOrigin = {
  readonly kind: "file";
  readonly path: string;
  readonly description: string;
};

/** A target in the config that will not be registered, and why. */
export interface SkippedTarget {
  readonly target: string;
  readonly reason: string;
}

/** A binfmt.d file qus wants at `path` (persistence), with exactly this text. */
export interface DesiredBinfmtdFile {
  readonly path: string;
  /** The entry the file registers at boot (its name is `<entry>.conf`). */
  readonly entry: string;
  readonly content: string;
}

/** Everything qus wants, resolved from the config, the catalog and the source. */
export interface Desired {
  readonly binfmtDir: string;
  readonly prefix: string;
  readonly prune: boolean;
  readonly registrations: readonly DesiredRegistration[];
  readonly emulators: readonly DesiredEmulator[];
  /** binfmt.d files (empty when persist is false: recorded ones are then removed). */
  readonly binfmtd: readonly DesiredBinfmtdFile[];
  readonly skipped: readonly SkippedTarget[];
  readonly warnings: readonly string[];
  /** persist as settled, and where binfmt.d files go: what boot masks need (absent in old saved plans). */
  readonly persist?: boolean;
  readonly binfmtDDir?: string;
}

/** One entry as the kernel prints it. */
export interface LiveEntry {
  readonly name: string;
  readonly enabled: boolean;
  readonly type: "M" | "E";
  readonly interpreter: string;
  /** Normalised flags as read (the kernel already prints them in P, O, C, F order). */
  readonly flags: string;
  readonly offset: number;
  /** Hex magic (M entries); empty for E entries. */
  readonly magic: string;
  /** Hex mask, or null when registered without one (meaning all ff). */
  readonly mask: string | null;
  /** File extension (E entries only). */
  readonly extension?: string;
}

/** What qus recorded about its own files and registrations (the state file). */
export interface StateRecord {
  readonly version: 1;
  /** Emulator files qus installed: path -> content. */
  readonly emulators: Readonly<Record<string, { readonly sha256: string; readonly size: number }>>;
  /** Registrations qus made: name -> the interpreter and its content at registration time. */
  readonly registrations: Readonly<
    Record<string, { readonly interpreter: string; readonly sha256: string }>
  >;
  /** binfmt.d files qus wrote: path -> content hash. Only these are ever removed. Absent in old files. */
  readonly binfmtd?: Readonly<Record<string, { readonly sha256: string }>>;
}

/** A small text file as found on disk: null content means it does not exist. */
export interface LiveTextFile {
  readonly path: string;
  readonly content: string | null;
  /** SHA-256 of the bytes on disk (null when missing), to compare with the state file's record. */
  readonly sha256: string | null;
}

/** An installed file as found on disk: null sha256 means it does not exist. */
export interface LiveFile {
  readonly path: string;
  readonly sha256: string | null;
  /** Set (as root) when users other than root control the file, e.g. "owned by uid 65534, mode 0755": it is reinstalled. */
  readonly untrusted?: string;
  /** The upstream QEMU version the file reports, when read (only for files about to change). */
  readonly qemuVersion?: string;
}

/** Everything qus read from the kernel and the disk. */
export interface Live {
  readonly binfmtDir: string;
  /** False when binfmt_misc is not mounted at binfmtDir. */
  readonly mounted: boolean;
  /** binfmt_misc's global status (true when mounted and "enabled"). */
  readonly enabledGlobally: boolean;
  readonly entries: readonly LiveEntry[];
  /** Desired and recorded emulator paths, as found on disk. */
  readonly files: readonly LiveFile[];
  /** Desired and recorded binfmt.d paths (and those of possible boot masks), with their text. */
  readonly binfmtd: readonly LiveTextFile[];
  /**
   * The binfmt.d files systemd-binfmt reads at boot from the directories a file in binfmtDDir
   * masks (/run, /usr/local/lib, /usr/lib), one per basename; empty unless persist.
   */
  readonly bootFiles?: readonly LiveTextFile[];
  readonly state: StateRecord;
}

/** The kinds of action, each with the symbol users know from Terraform. */
export type Action = "create" | "update" | "replace" | "delete";

/** Why a resource changes: one attribute, old and new (as display strings). */
export interface Reason {
  readonly attribute: string;
  readonly before: string | null;
  readonly after: string | null;
  /** True when this attribute alone makes an in-place change impossible. */
  readonly forcesReplacement: boolean;
  /** Extra words for the reader, e.g. why F forces replacement. */
  readonly note?: string;
}

/** What a registration looks like, for display and for apply. */
export interface RegistrationAttributes {
  readonly interpreter: string;
  readonly flags: string;
  readonly offset: number;
  readonly magic: string;
  readonly mask: string | null;
  readonly enabled: boolean;
  readonly type: "M" | "E";
}

/** What an emulator file looks like, for display and for apply. */
export interface EmulatorAttributes {
  readonly sha256: string | null;
  readonly size?: number;
  readonly origin?: string;
  /** Upstream QEMU version the file reports, when known. */
  readonly qemu?: string;
}

/** What a binfmt.d file looks like, for display (unified diff) and for apply. */
export interface BinfmtdAttributes {
  readonly content: string;
}

/** One resource change. `before` is null on create, `after` null on delete. */
export type Change =
  | {
      readonly kind: "mount";
      readonly address: string;
      readonly action: "create";
      readonly before: null;
      readonly after: null;
      readonly reasons: readonly Reason[];
    }
  | {
      readonly kind: "emulator";
      readonly address: string;
      readonly action: Action;
      readonly before: EmulatorAttributes | null;
      readonly after: (EmulatorAttributes & { readonly origin: string }) | null;
      readonly reasons: readonly Reason[];
      /** How to obtain the new content (create/replace). */
      readonly fetch?: EmulatorOrigin;
      readonly emulator?: string;
    }
  | {
      readonly kind: "registration";
      readonly address: string;
      readonly action: Action;
      readonly before: RegistrationAttributes | null;
      readonly after: RegistrationAttributes | null;
      readonly reasons: readonly Reason[];
      readonly target?: string;
      /** SHA-256 of the interpreter file being registered (what the kernel will pin with F). */
      readonly interpreterSha256?: string;
    }
  | {
      readonly kind: "binfmtd";
      /** The file's path. */
      readonly address: string;
      readonly action: "create" | "replace" | "delete";
      readonly before: BinfmtdAttributes | null;
      readonly after: BinfmtdAttributes | null;
      readonly reasons: readonly Reason[];
      /** The entry the file registers at boot. */
      readonly entry: string;
    };

/** Counts in the closing line: a replacement counts as one add and one destroy. */
export interface PlanSummary {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
}

/** The difference between Desired and Live, in display order. */
export interface Plan {
  readonly binfmtDir: string;
  readonly changes: readonly Change[];
  /** Resources that already match. */
  readonly unchanged: number;
  readonly summary: PlanSummary;
  readonly warnings: readonly string[];
  /** Informational lines (skipped targets, foreign entries left alone). */
  readonly notes: readonly string[];
}
