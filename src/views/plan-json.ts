// The one projection of a Plan that every view reads: a plain JSON document (snake_case keys,
// like Terraform's JSON plan) described by schemas/qus.plan.schema.json. The human text is
// rendered from this document alone, so the JSON and the text cannot tell different stories.
import type {
  Action,
  Change,
  EmulatorAttributes,
  Plan,
  Reason,
  RegistrationAttributes,
} from "../plan/types.js";
import { createRequire } from "node:module";
import { ACTION_SYMBOLS } from "./strings.js";

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

/** Projects a Plan into the JSON document; pure and deterministic (same plan, same bytes). */
export function projectPlan(plan: Plan, context: PlanContext): PlanDocument {
  const changes = plan.changes.map(projectChange);
  return {
    format_version: PLAN_FORMAT_VERSION,
    qus_version: context.qusVersion,
    config_file: context.configFile,
    binfmt_dir: plan.binfmtDir,
    host: { machine: context.host.machine, family: context.host.family },
    changes,
    summary: { add: plan.summary.add, change: plan.summary.change, destroy: plan.summary.destroy },
    unchanged: plan.unchanged,
    warnings: [...plan.warnings],
    notes: [...plan.notes],
    has_changes: changes.length > 0,
    lock_file: context.lockFile ?? null,
  };
}

/** The display name hidden in an address: `registration.qemu-arm` -> `qemu-arm`. */
export function nameFromAddress(kind: Change["kind"], address: string): string {
  const prefix = `${kind}.`;
  return address.startsWith(prefix) && address.length > prefix.length
    ? address.slice(prefix.length)
    : address;
}

function projectChange(change: Change): ChangeDocument {
  const common = {
    address: change.address,
    name: nameFromAddress(change.kind, change.address),
    action: change.action,
    symbol: ACTION_SYMBOLS[change.action],
  };
  const reasons = change.reasons.map(projectReason);
  switch (change.kind) {
    case "mount":
      return { ...common, kind: "mount", action: "create", before: null, after: null, reasons };
    case "emulator":
      return {
        ...common,
        kind: "emulator",
        emulator: change.emulator ?? null,
        before: change.before === null ? null : projectEmulator(change.before),
        after: change.after === null ? null : projectEmulator(change.after),
        reasons,
      };
    case "registration":
      return {
        ...common,
        kind: "registration",
        target: change.target ?? null,
        interpreter_sha256: change.interpreterSha256 ?? null,
        before: change.before === null ? null : projectRegistration(change.before),
        after: change.after === null ? null : projectRegistration(change.after),
        reasons,
      };
    case "binfmtd":
      return {
        ...common,
        kind: "binfmtd",
        action: change.action,
        entry: change.entry,
        before: change.before === null ? null : { content: change.before.content },
        after: change.after === null ? null : { content: change.after.content },
        diff:
          change.before !== null && change.after !== null
            ? unifiedDiff(change.address, change.before.content, change.after.content)
            : null,
        reasons,
      };
  }
}

/** The diff users read before a binfmt.d file is rewritten (old = on disk, new = planned). */
function unifiedDiff(path: string, before: string, after: string): string {
  // Loaded on first use: most plans have no text file to diff, and `diff` is ~20 modules.
  const { createTwoFilesPatch } = createRequire(import.meta.url)("diff") as typeof import("diff");
  const lines = createTwoFilesPatch(path, path, before, after, "on disk", "planned", {
    context: 3,
  }).split("\n");
  // Drop the "Index:" and "=====" header lines: the ---/+++ lines name the file already.
  const start = lines.findIndex((line) => line.startsWith("--- "));
  return lines.slice(Math.max(0, start)).join("\n");
}

function projectReason(reason: Reason): ReasonDocument {
  return {
    attribute: reason.attribute,
    before: reason.before,
    after: reason.after,
    forces_replacement: reason.forcesReplacement,
    note: reason.note ?? null,
  };
}

function projectRegistration(attributes: RegistrationAttributes): RegistrationAttributesDocument {
  return {
    type: attributes.type,
    interpreter: attributes.interpreter,
    flags: attributes.flags,
    offset: attributes.offset,
    magic: attributes.magic,
    mask: attributes.mask,
    enabled: attributes.enabled,
  };
}

function projectEmulator(attributes: EmulatorAttributes): EmulatorAttributesDocument {
  return {
    sha256: attributes.sha256,
    size: attributes.size ?? null,
    origin: attributes.origin ?? null,
    qemu: attributes.qemu ?? null,
  };
}
