#!/usr/bin/env node
// The only place that turns results and errors into exit codes: 0 done or no changes, 2 changes
// (with --detailed-exitcode), 1 any error. User errors print without a stack trace.
import { ConfigError, QusError } from "../errors.js";
import { QUS_VERSION } from "../version.js";
import { parseArgs, type CliArgs } from "./args.js";
import { processIO, type CommandIO } from "./io.js";



/** Dispatches to the command module, loaded only when that command runs. */
async function run(args: CliArgs, io: CommandIO): Promise<number> {
  switch (args.command) {
    case "plan":
      return (await import("../commands/plan.js")).planCommand(args, io);
    case "apply":
    case "destroy":
      return (await import("../commands/apply.js")).applyCommand(args, io);
    case "status":
      return (await import("../commands/status.js")).statusCommand(args, io);
    case "validate":
      return (await import("../commands/validate.js")).validateCommand(args, io);
    case "demo":
      return (await import("../commands/demo.js")).demoCommand(args, io);
  }
}

/** Prints an error the way users and scripts expect, and returns exit code 1. */
export function reportError(error: unknown, io: CommandIO, json: boolean): number {
  if (error instanceof QusError) {
    io.stderr.write(`Error: ${error.message}\n`);
    if (error.hint) io.stderr.write(`  ${error.hint.replaceAll("\n", "\n  ")}\n`);
    if (json) {
      const problems = error instanceof ConfigError ? error.problems : [];
      io.stdout.write(`${JSON.stringify({ format_version: "1", error: { kind: error.name, message: error.message, hint: error.hint ?? null, problems } }, null, 2)}\n`);
    }
    return 1;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`Internal error in qus ${QUS_VERSION}: this is a bug, please report it to the qus maintainers with this output.\n${detail}\n`);
  return 1;
}

async function main(): Promise<void> {
  const io = processIO();
  let args: CliArgs | undefined;
  let code: number;
  try {
    args = parseArgs(process.argv.slice(2), QUS_VERSION);
    code = await run(args, io);
  } catch (error) {
    code = reportError(error, io, args?.json ?? false);
  }
  process.exitCode = code;
}

await main();
