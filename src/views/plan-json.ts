// The one projection of a Plan that every view reads: a plain JSON document (snake_case keys,
// like Terraform's JSON plan) described by schemas/qus.plan.schema.json. The human text is
// rendered from this document alone, so the JSON and the text cannot tell different stories.
import type {
  Change,
  EmulatorAttributes,
  Plan,
  Reason,
  RegistrationAttributes,
} from "../plan/types.js";
import { createRequire } from "node:module";
import { ACTION_SYMBOLS } from "./strings.js";
import {
  PLAN_FORMAT_VERSION,
  type PlanContext,
  type ReasonDocument,
  type RegistrationAttributesDocument,
  type EmulatorAttributesDocument,
  type ChangeDocument,
  type PlanDocument,
} from "./plan-document.js";

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
