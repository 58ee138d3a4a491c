// Prints a plan once, as JSON or as text: both come from the same projected document.
import type { LockFileDocument, PlanDocument } from "../views/plan-document.js";
import { projectPlan } from "../views/plan-json.js";
import type { LockChange } from "../sources/lock-change.js";
import { renderPlan, withRendered } from "../views/plan-text.js";
import { QUS_VERSION } from "../version.js";
import { styleFor, writeLine, type CommandIO } from "../cli/io.js";
import type { CommonArgs } from "../cli/args.js";
import type { Planned } from "./pipeline.js";

/** The JSON document of a plan. */
export function planDocument(planned: Planned): PlanDocument {
  return projectPlan(planned.plan, {
    qusVersion: QUS_VERSION,
    configFile: planned.config.file,
    host: { machine: planned.host.machine, family: planned.host.family },
    lockFile: planned.lock === null ? null : lockFileDocument(planned.lock),
  });
}

/** The lock change as the plan document spells it. */
function lockFileDocument(change: LockChange): LockFileDocument {
  return {
    path: change.path,
    action: change.action,
    packages: change.packages.map((p) => ({ ...p })),
    emulators_added: [...change.emulatorsAdded],
    emulators_removed: [...change.emulatorsRemoved],
  };
}

/** Prints the plan as text on stdout (JSON output is printed by the caller, once, at the end). */
export function printPlanText(doc: PlanDocument, args: CommonArgs, io: CommandIO): void {
  writeLine(io.stdout, renderPlan(doc, styleFor(io.stdout, io.env, args.color)));
}

/** Prints a JSON document (with the plan's rendered text, when given a plan) on stdout. */
export function printJson(value: object, io: CommandIO): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Adds the uncoloured human text to a plan document. */
export { withRendered };
