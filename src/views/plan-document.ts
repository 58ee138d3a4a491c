// The shape of the JSON plan document (snake_case keys, like Terraform's JSON plan), as
// schemas/qus.plan.schema.json describes it: what plan-json.ts projects and every view reads.
import type { Action } from "../plan/types.js";

// Why: readers of a saved or printed plan check this before trusting its shape.
/** Version of the document's shape; bumped only on an incompatible change. */
export const PLAN_FORMAT_VERSION = "1";

/** Facts about the run that the Plan itself does not carry. */
export interface PlanContext {
  readonly qusVersion: string;
  /** The config file used, or null for the embedded default. */
  readonly configFile: string | null;
  readonly host: { readonly machine: string; readonly family: string };
  /** The lock file apply would write, when it differs from the file (see sources/lock-change.ts). */
  readonly lockFile?: LockFileDocument | null;
}

/** The lock file change a plan implies: not a resource, written by apply once it succeeded. */
export interface LockFileDocument {
  readonly path: string;
  readonly action: "create" | "update";
  /** Packages whose locked version changes; null = not locked before, or no longer. */
  readonly packages: readonly {
    readonly package: string;
    readonly before: string | null;
    readonly after: string | null;
  }[];
  readonly emulators_added: readonly string[];
  readonly emulators_removed: readonly string[];
}

/** Why a resource changes, as printed in the JSON. */
export interface ReasonDocument {
  readonly attribute: string;
  readonly before: string | null;
  readonly after: string | null;
  readonly forces_replacement: boolean;
  readonly note: string | null;
}

/** A registration's attributes, in the order they are displayed. */
export interface RegistrationAttributesDocument {
  readonly type: "M" | "E";
  readonly interpreter: string;
  readonly flags: string;
  readonly offset: number;
  readonly magic: string;
  /** null: registered without a mask (all ff). */
  readonly mask: string | null;
  readonly enabled: boolean;
}

/** An emulator file's attributes; sha256 null means the file is missing. */
export interface EmulatorAttributesDocument {
  readonly sha256: string | null;
  readonly size: number | null;
  readonly origin: string | null;
  /** Upstream QEMU version the file reports (e.g. "11.1.3"); null when unknown. */
  readonly qemu: string | null;
}

interface ChangeDocumentBase {
  /** Stable identifier of the resource, as the planner spells it. */
  readonly address: string;
  /** The resource's name for display: the address without a leading `<kind>.`. */
  readonly name: string;
  readonly action: Action;
  readonly symbol: string;
  readonly reasons: readonly ReasonDocument[];
}

/** Mounting binfmt_misc itself. */
export interface MountChangeDocument extends ChangeDocumentBase {
  readonly kind: "mount";
  readonly action: "create";
  readonly before: null;
  readonly after: null;
}

/** Installing, replacing or removing an emulator file. */
export interface EmulatorChangeDocument extends ChangeDocumentBase {
  readonly kind: "emulator";
  /** Emulator program (qemu-aarch64...), when the planner named it. */
  readonly emulator: string | null;
  readonly before: EmulatorAttributesDocument | null;
  readonly after: EmulatorAttributesDocument | null;
}

/** Registering, updating, replacing or removing a binfmt_misc entry. */
export interface RegistrationChangeDocument extends ChangeDocumentBase {
  readonly kind: "registration";
  /** QEMU target (aarch64...), when the planner named it. */
  readonly target: string | null;
  /** SHA-256 of the interpreter file being registered (what the kernel pins with F), when known. */
  readonly interpreter_sha256: string | null;
  readonly before: RegistrationAttributesDocument | null;
  readonly after: RegistrationAttributesDocument | null;
}

/** A binfmt.d file's text. */
export interface BinfmtdAttributesDocument {
  readonly content: string;
}

/** Writing, rewriting or removing a binfmt.d file (persistence across reboots). */
export interface BinfmtdChangeDocument extends ChangeDocumentBase {
  readonly kind: "binfmtd";
  readonly action: "create" | "replace" | "delete";
  /** The entry the file registers at boot. */
  readonly entry: string;
  readonly before: BinfmtdAttributesDocument | null;
  readonly after: BinfmtdAttributesDocument | null;
  /** Unified diff of the file on disk against the planned text (replace only). */
  readonly diff: string | null;
}

/** One resource change in the JSON plan. */
export type ChangeDocument =
  | MountChangeDocument
  | EmulatorChangeDocument
  | RegistrationChangeDocument
  | BinfmtdChangeDocument;

/** The JSON plan (without the `rendered` text; see withRendered). */
export interface PlanDocument {
  readonly format_version: typeof PLAN_FORMAT_VERSION;
  readonly qus_version: string;
  readonly config_file: string | null;
  readonly binfmt_dir: string;
  readonly host: { readonly machine: string; readonly family: string };
  readonly changes: readonly ChangeDocument[];
  readonly summary: { readonly add: number; readonly change: number; readonly destroy: number };
  /** Resources that already match the configuration. */
  readonly unchanged: number;
  readonly warnings: readonly string[];
  readonly notes: readonly string[];
  readonly has_changes: boolean;
  /** The lock file apply writes; null when it already holds what this plan resolved. Absent in plans of older qus. */
  readonly lock_file?: LockFileDocument | null;
}

/** The document `qus plan --json` prints: the JSON plan plus its human text. */
export interface RenderedPlanDocument extends PlanDocument {
  /** The plan as a human reads it, without colour. */
  readonly rendered: string;
}
