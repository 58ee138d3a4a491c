// Every sentence qus prints about a plan, an apply or the live state. Scripts and Ansible tasks
// grep these, so they are a public interface: change them only on purpose (tests snapshot them).
import type { Action, PlanSummary } from "../plan/types.js";

/** The symbol each action carries, as Terraform users read them. */
export const ACTION_SYMBOLS: Readonly<Record<Action, string>> = {
  create: "+",
  update: "~",
  replace: "-/+",
  delete: "-",
};

/** The legend's words for each action, in the order the legend lists them. */
export const ACTION_LEGEND: Readonly<Record<Action, string>> = {
  create: "create",
  update: "update in place",
  replace: "destroy and then create replacement",
  delete: "destroy",
};

/** The order actions appear in the legend. */
export const LEGEND_ORDER: readonly Action[] = ["create", "update", "replace", "delete"];

/** First line of the legend. */
export const LEGEND_HEADER = "Resource actions are indicated with the following symbols:";

/** Line that introduces the list of changes. */
export const ACTIONS_HEADER = "qus will perform the following actions:";

/** The whole closing line of a plan that changes nothing. */
export const NO_CHANGES = "No changes. binfmt_misc matches the configuration.";

/** What happens to a registration, per action (after `# registration "NAME"`). */
export const REGISTRATION_OUTCOME: Readonly<Record<Action, string>> = {
  create: "will be registered",
  update: "will be updated in place",
  replace: "must be replaced",
  delete: "will be removed",
};

/** What happens to an emulator file, per action (after `# emulator "PATH"`). */
export const EMULATOR_OUTCOME: Readonly<Record<Action, string>> = {
  create: "will be installed",
  update: "will be updated in place",
  replace: "must be replaced",
  delete: "will be removed",
};

/** What happens to a binfmt.d file, per action (after `# binfmt.d file "PATH"`). */
export const BINFMTD_OUTCOME: Readonly<Record<"create" | "replace" | "delete", string>> = {
  create: "will be written",
  replace: "must be rewritten",
  delete: "will be removed",
};

/** Comment line of the mount change. */
export function mountComment(binfmtDir: string): string {
  return `binfmt_misc will be mounted at ${binfmtDir}`;
}

/** The heading of the lock file a plan would write: apply writes it only once it succeeded. */
export function lockFileHeading(action: "create" | "update", path: string): string {
  return `Lock file ${JSON.stringify(path)} will be ${action === "create" ? "written" : "updated"} by apply:`;
}

/** Marks an attribute whose change alone rules out an in-place update. */
export const FORCES_REPLACEMENT = "# forces replacement";

/** Prefix of every warning line. */
export const WARNING_PREFIX = "Warning: ";

/** Closing line of a plan with changes: a replacement counts in add and in destroy. */
export function planSummaryLine(summary: PlanSummary): string {
  return `Plan: ${summary.add} to add, ${summary.change} to change, ${summary.destroy} to destroy.`;
}

/** Last line of a successful apply. */
export function applyCompleteLine(summary: PlanSummary): string {
  return `Apply complete! Resources: ${summary.add} added, ${summary.change} changed, ${summary.destroy} destroyed.`;
}

/** Last line of a successful destroy (everything qus owns removed). */
export function destroyCompleteLine(destroyed: number): string {
  return `Destroy complete! Resources: ${destroyed} destroyed.`;
}

/** `qus status` when binfmt_misc is not mounted where the config says. */
export function statusNotMounted(binfmtDir: string): string {
  return `binfmt_misc is not mounted at ${binfmtDir}.`;
}

/** `qus status` heading when binfmt_misc is mounted. */
export function statusMounted(binfmtDir: string, enabled: boolean): string {
  return `binfmt_misc at ${binfmtDir} is ${enabled ? "enabled" : "disabled"}.`;
}

/** Added under the heading when binfmt_misc is mounted but switched off as a whole. */
export const STATUS_GLOBALLY_DISABLED =
  "The kernel ignores every entry while binfmt_misc is disabled.";

/** Column headings of the `qus status` table. */
export const STATUS_COLUMNS = ["NAME", "OWNED", "ENABLED", "FLAGS", "QEMU", "INTERPRETER"] as const;

/** The OWNED cell of an entry under qus's prefix that qus did not register (another tool did). */
export const STATUS_OWNED_BY_OTHER = "other tool";

/** Closing line of `qus status`: how many entries, how many qus registered, how many others under its prefix. */
export function statusSummaryLine(
  summary: { readonly total: number; readonly owned: number; readonly registered_by_qus: number },
  prefix: string,
): string {
  const { total, owned, registered_by_qus: mine } = summary;
  const others = owned - mine;
  const foreign = others === 0 ? "" : `, ${others} more under its prefix made by another tool`;
  return `${total} ${total === 1 ? "entry" : "entries"}, ${mine} registered by qus (prefix ${JSON.stringify(prefix)})${foreign}`;
}
