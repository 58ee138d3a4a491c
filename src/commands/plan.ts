// `qus plan`: show what apply would change, without changing anything.
import type { CliArgs } from "../cli/args.js";
import type { CommandIO } from "../cli/io.js";
import { loadCommandConfig, planConfig } from "./pipeline.js";
import { planDocument, printJson, printPlanText, withRendered } from "./show-plan.js";

/** Runs plan; returns the exit code (2 for changes only with --detailed-exitcode). */
export async function planCommand(args: Extract<CliArgs, { command: "plan" }>, io: CommandIO): Promise<number> {
  const config = await loadCommandConfig(args.configPath, io);
  const planned = await planConfig(config, io, { destroy: false });
  const doc = planDocument(planned);
  if (args.json) printJson(withRendered(doc), io);
  else printPlanText(doc, args, io);
  return args.detailedExitcode && doc.has_changes ? 2 : 0;
}
