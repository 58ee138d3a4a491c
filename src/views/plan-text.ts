// The human plan, Terraform-like, rendered ONLY from the JSON document so that the text and
// `qus plan --json` always agree. Colour is added by the Style and never changes the words:
// stripping the escape codes of a coloured rendering gives exactly the plain one.
import type { Action, PlanSummary } from "../plan/types.js";
import type {
  ChangeDocument,
  LockFileDocument,
  PlanDocument,
  RenderedPlanDocument,
} from "./plan-document.js";
import {
  BINFMTD_OUTCOME,
  ACTION_LEGEND,
  ACTION_SYMBOLS,
  ACTIONS_HEADER,
  EMULATOR_OUTCOME,
  FORCES_REPLACEMENT,
  LEGEND_HEADER,
  LEGEND_ORDER,
  lockFileHeading,
  NO_CHANGES,
  REGISTRATION_OUTCOME,
  WARNING_PREFIX,
  applyCompleteLine,
  destroyCompleteLine,
  mountComment,
  planSummaryLine,
} from "./strings.js";
import { plainStyle, type Style } from "./style.js";
import {
  ATTRIBUTE_INDENT,
  attributeLines,
  emulatorValues,
  paintAttributeSymbol,
  reasonLines,
  registrationValues,
  renderAttributes,
} from "./plan-attributes.js";

/** Resource symbols are right-aligned in 3 columns. */
const SYMBOL_WIDTH = 3;

/** Renders the plan for people; the result is whole lines, each ending in a newline. */
export function renderPlan(doc: PlanDocument, style: Style): string {
  const sections: string[][] = [];
  if (doc.has_changes) {
    sections.push(renderLegend(doc.changes, style));
    sections.push([ACTIONS_HEADER]);
    for (const change of doc.changes) sections.push(renderChange(change, doc.binfmt_dir, style));
  } else {
    sections.push([style.added(style.bold(NO_CHANGES))]);
  }
  if (doc.lock_file !== undefined && doc.lock_file !== null)
    sections.push(renderLockFile(doc.lock_file, style));
  if (doc.warnings.length > 0)
    sections.push(doc.warnings.map((warning) => renderWarning(warning, style)));
  if (doc.notes.length > 0) sections.push([...doc.notes]);
  if (doc.has_changes) sections.push([style.bold(planSummaryLine(doc.summary))]);
  return `${sections.map((lines) => lines.join("\n")).join("\n\n")}\n`;
}

/** The document `qus plan --json` prints: the projection plus its plain rendering. */
export function withRendered(doc: PlanDocument): RenderedPlanDocument {
  const { rendered: _ignored, ...plain } = doc as RenderedPlanDocument;
  return { ...plain, rendered: renderPlan(plain, plainStyle) };
}

/** The line that ends a successful apply, e.g. `Apply complete! Resources: 1 added, 0 changed, 0 destroyed.` */
export function renderApplyComplete(summary: PlanSummary, style: Style = plainStyle): string {
  return `${style.added(style.bold(applyCompleteLine(summary)))}\n`;
}

/** The line that ends a successful destroy, e.g. `Destroy complete! Resources: 3 destroyed.` */
export function renderDestroyComplete(summary: PlanSummary, style: Style = plainStyle): string {
  return `${style.added(style.bold(destroyCompleteLine(summary.destroy)))}\n`;
}

/** A symbol right-aligned in the symbol column and coloured by action. */
function paintSymbol(action: Action, style: Style): string {
  const padding = " ".repeat(SYMBOL_WIDTH - ACTION_SYMBOLS[action].length);
  switch (action) {
    case "create":
      return padding + style.added("+");
    case "update":
      return padding + style.changed("~");
    case "replace":
      return `${padding}${style.removed("-")}/${style.added("+")}`;
    case "delete":
      return padding + style.removed("-");
  }
}

function renderLegend(changes: readonly ChangeDocument[], style: Style): string[] {
  const present = new Set(changes.map((change) => change.action));
  const lines = LEGEND_ORDER.filter((action) => present.has(action)).map(
    (action) => `${paintSymbol(action, style)} ${ACTION_LEGEND[action]}`,
  );
  return [LEGEND_HEADER, ...lines];
}

/** The lock file apply would write: each locked version that changes, each emulator recorded or dropped. */
function renderLockFile(lock: LockFileDocument, style: Style): string[] {
  const lines = [`  ${style.bold(`# ${lockFileHeading(lock.action, lock.path)}`)}`];
  for (const change of lock.packages) {
    const show = (value: string | null) => (value === null ? "null" : JSON.stringify(value));
    const symbol =
      change.before === null
        ? style.added("+")
        : change.after === null
          ? style.removed("-")
          : style.changed("~");
    const value =
      change.before === null
        ? show(change.after)
        : change.after === null
          ? show(change.before)
          : `${show(change.before)} -> ${show(change.after)}`;
    lines.push(`${ATTRIBUTE_INDENT}${symbol} ${change.package}: ${value}`);
  }
  for (const name of lock.emulators_added)
    lines.push(`${ATTRIBUTE_INDENT}${style.added("+")} emulator ${name}`);
  for (const name of lock.emulators_removed)
    lines.push(`${ATTRIBUTE_INDENT}${style.removed("-")} emulator ${name}`);
  return lines;
}

function renderWarning(warning: string, style: Style): string {
  return `${style.warning(WARNING_PREFIX.trimEnd())} ${warning}`;
}

function renderChange(change: ChangeDocument, binfmtDir: string, style: Style): string[] {
  const symbol = paintSymbol(change.action, style);
  switch (change.kind) {
    case "mount":
      return [
        `  ${style.bold(`# ${mountComment(binfmtDir)}`)}`,
        `${symbol} mount ${JSON.stringify(binfmtDir)}`,
        ...renderAttributes(reasonLines(change.reasons, {}), style),
      ];
    case "emulator": {
      const title = `emulator ${JSON.stringify(change.name)}`;
      return [
        `  ${style.bold(`# ${title}`)} ${EMULATOR_OUTCOME[change.action]}`,
        `${symbol} ${title}`,
        ...renderAttributes(attributeLines(change, emulatorValues), style),
      ];
    }
    case "registration": {
      const title = `registration ${JSON.stringify(change.name)}`;
      return [
        `  ${style.bold(`# ${title}`)} ${REGISTRATION_OUTCOME[change.action]}`,
        `${symbol} ${title}`,
        ...renderAttributes(attributeLines(change, registrationValues), style),
      ];
    }
    case "binfmtd":
      return renderBinfmtd(change, symbol, style);
  }
}

/** A binfmt.d file: its lines when written or removed, the unified diff when rewritten. */
function renderBinfmtd(
  change: Extract<ChangeDocument, { kind: "binfmtd" }>,
  symbol: string,
  style: Style,
): string[] {
  const title = `binfmt.d file ${JSON.stringify(change.name)}`;
  const lines = [
    `  ${style.bold(`# ${title}`)} ${BINFMTD_OUTCOME[change.action]}`,
    `${symbol} ${title}`,
  ];
  const body = `${ATTRIBUTE_INDENT}    `;
  if (change.action === "replace") {
    for (const reason of change.reasons) {
      lines.push(
        `${ATTRIBUTE_INDENT}${style.changed("~")} ${reason.attribute}:  ${style.removed(FORCES_REPLACEMENT)}`,
      );
      if (reason.note !== null) lines.push(`${ATTRIBUTE_INDENT}  # ${reason.note}`);
    }
    for (const line of (change.diff ?? "").split("\n").filter((l) => l !== "")) {
      const painted =
        line.startsWith("+") && !line.startsWith("+++")
          ? style.added(line)
          : line.startsWith("-") && !line.startsWith("---")
            ? style.removed(line)
            : line;
      lines.push(body + painted);
    }
    return lines;
  }
  const sign = change.action === "create" ? "+" : "-";
  const content = (change.after ?? change.before)?.content ?? "";
  lines.push(
    `${ATTRIBUTE_INDENT}${paintAttributeSymbol(sign, style)} entry:   ${JSON.stringify(change.entry)}`,
  );
  lines.push(`${ATTRIBUTE_INDENT}${paintAttributeSymbol(sign, style)} content:`);
  for (const line of content.split("\n").filter((l) => l !== "")) lines.push(body + line);
  return lines;
}
