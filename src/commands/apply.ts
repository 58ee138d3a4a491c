// `qus apply` and `qus destroy`: plan, ask (unless --auto-approve), then make only those changes.
import type { CliArgs } from "../cli/args.js";
import { styleFor, writeLine, type CommandIO } from "../cli/io.js";
import { confirmApply } from "../cli/prompt.js";
import { executePlan } from "../apply/execute.js";
import { realEffects } from "../apply/effects.js";
import { listrRunner } from "../apply/progress.js";
import { renderApplyComplete, renderDestroyComplete } from "../views/plan-text.js";
import { loadCommandConfig, planConfig } from "./pipeline.js";
import { planDocument, printJson, printPlanText, withRendered } from "./show-plan.js";

/** Runs apply (or destroy); returns the exit code (2 when changes were made, with --detailed-exitcode). */
export async function applyCommand(args: Extract<CliArgs, { command: "apply" | "destroy" }>, io: CommandIO): Promise<number> {
  const destroy = args.command === "destroy";
  const config = await loadCommandConfig(args.configPath, io);
  const planned = await planConfig(config, io, { destroy });
  const doc = planDocument(planned);
  if (!args.json) printPlanText(doc, args, io);
  if (!doc.has_changes) {
    if (args.json) printJson({ ...withRendered(doc), applied: { add: 0, change: 0, destroy: 0 } }, io);
    return 0;
  }
  if (!args.autoApprove) await confirmApply(io, args.command);

  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    const applied = await executePlan(planned.plan, {
      binfmtDir: config.binfmtDir,
      stateFile: config.stateFile,
      state: planned.live.state,
      effects: realEffects,
      runGroups: listrRunner(io.stderr, styleFor(io.stderr, io.env, args.color).colour),
      signal: abort.signal,
    });
    const line = destroy ? renderDestroyComplete(applied) : renderApplyComplete(applied);
    if (args.json) printJson({ ...withRendered(doc), applied }, io);
    else writeLine(io.stdout, `\n${line}`);
    return args.detailedExitcode ? 2 : 0;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}
