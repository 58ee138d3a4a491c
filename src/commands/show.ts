// `qus show FILE`: prints a saved plan, as text or (--json) as its JSON document.
import type { CliArgs } from "../cli/args.js";
import type { CommandIO } from "../cli/io.js";
import { readSavedPlan } from "../state/saved-plan-file.js";
import { printJson, printPlanText, withRendered } from "./show-plan.js";
import { resolve } from "node:path";

/** Runs show; exit 0, or 1 when the file is not a readable saved plan. */
export async function showCommand(
  args: Extract<CliArgs, { command: "show" }>,
  io: CommandIO,
): Promise<number> {
  const saved = await readSavedPlan(resolve(io.cwd, args.file));
  if (args.json) printJson(withRendered(saved.document), io);
  else printPlanText(saved.document, args, io);
  return 0;
}
