// `qus plan`: show what apply would change, without changing anything (it never takes the apply
// lock); with --out, also save the plan for `qus apply FILE`.
import { resolve } from "node:path";
import type { CliArgs } from "../cli/args.js";
import { writeLine, type CommandIO } from "../cli/io.js";
import { QUS_VERSION } from "../version.js";
import { loadCommandConfig, planConfig } from "./pipeline.js";
import { planDocument, printJson, printPlanText, withRendered } from "./show-plan.js";

/** Runs plan; returns the exit code (2 for changes only with --detailed-exitcode). */
export async function planCommand(
  args: Extract<CliArgs, { command: "plan" }>,
  io: CommandIO,
): Promise<number> {
  const config = await loadCommandConfig(args.configPath, io);
  const planned = await planConfig(config, io, {
    destroy: false,
    upgrade: args.upgrade,
    color: args.color,
  });
  const doc = planDocument(planned);
  if (args.json) printJson(withRendered(doc), io);
  else printPlanText(doc, args, io);
  if (args.out !== undefined) {
    const path = resolve(io.cwd, args.out);
    // Loaded only with --out: a plain (and a no-op) plan never needs them.
    const [{ savePlan }, { writeSavedPlan }] = await Promise.all([
      import("../plan/saved-plan.js"),
      import("../state/saved-plan-file.js"),
    ]);
    await writeSavedPlan(
      path,
      savePlan(planned, planned.plan, doc, {
        qusVersion: QUS_VERSION,
        createdAt: new Date().toISOString(),
        resolvedLock: planned.resolvedLock,
      }),
    );
    const message = `\nSaved the plan to: ${path}\nTo perform exactly these actions, run: qus apply ${args.out}\n`;
    writeLine(args.json ? io.stderr : io.stdout, message);
  }
  return args.detailedExitcode && doc.has_changes ? 2 : 0;
}
