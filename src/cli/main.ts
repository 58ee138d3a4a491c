#!/usr/bin/env node
// The only place that turns results and errors into exit codes: 0 done or no changes, 2 changes
// (with --detailed-exitcode), 1 any error. User errors print without a stack trace.
import module from "node:module";
import { homedir } from "node:os";
import { join } from "node:path";
import { ConfigError, QusError } from "../errors.js";
import { defaultCacheDir } from "../config/defaults.js";
import { escapeControlCharacters } from "../config/quote.js";
import { QUS_VERSION } from "../version.js";
import { parseArgs, type CliArgs } from "./args.js";
import { qusErrorText } from "./error-text.js";
import { processIO, styleFor, type CommandIO } from "./io.js";
import { plainStyle, type Style } from "../views/style.js";

/**
 * Node 22.1+ can keep compiled code on disk between runs (a no-op plan is mostly module loading).
 * Enabled before the first command module is imported, in qus's own cache directory:
 * never the shared default under /tmp, which other users could fill for root to load.
 */
function enableCompileCache(): void {
  const enable = (module as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
  if (enable === undefined) return; // Node 20: not available
  try {
    enable(
      join(
        defaultCacheDir(process.env, process.geteuid?.() === 0, homedir()),
        "node-compile-cache",
      ),
    );
  } catch {
    // only an optimisation: without it qus runs the same, a little slower
  }
}

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
    case "verify":
      return (await import("../commands/verify.js")).verifyCommand(args, io);
    case "run":
      return (await import("../commands/run.js")).runCommand(args, io);
    case "init":
      return (await import("../commands/init.js")).initCommand(args, io);
    case "show":
      return (await import("../commands/show.js")).showCommand(args, io);
    case "completion":
      return (await import("../commands/completion.js")).completionCommand(args, io);
    case "doctor":
      return (await import("../commands/doctor.js")).doctorCommand(args, io);
  }
}

/** Prints an error the way users and scripts expect (its label red on a terminal), and returns exit code 1. */
export function reportError(
  error: unknown,
  io: CommandIO,
  json: boolean,
  style: Style = plainStyle,
): number {
  if (error instanceof QusError) {
    io.stderr.write(qusErrorText(error, style));
    if (json) {
      const problems = error instanceof ConfigError ? error.problems : [];
      io.stdout.write(
        `${JSON.stringify({ format_version: "1", error: { kind: error.name, message: error.message, hint: error.hint ?? null, problems } }, null, 2)}\n`,
      );
    }
    return 1;
  }
  let detail: string;
  try {
    detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  } catch {
    detail = Object.prototype.toString.call(error); // String() throws for some thrown values
  }
  io.stderr.write(
    `Internal error in qus ${QUS_VERSION}: this is a bug, please report it to the qus maintainers with this output.\n${escapeControlCharacters(detail, { keepNewlines: true })}\n`,
  );
  return 1;
}

/** The style of stderr: --color/--no-color as typed (the last wins), else NO_COLOR, FORCE_COLOR and the TTY. */
function stderrStyle(argv: readonly string[], io: CommandIO): Style {
  const end = argv.indexOf("--");
  const flags = (end === -1 ? argv : argv.slice(0, end)).filter(
    (a) => a === "--color" || a === "--no-color",
  );
  const color = flags.length === 0 ? undefined : flags.at(-1) === "--color";
  return styleFor(io.stderr, io.env, color);
}

async function main(): Promise<void> {
  const io = processIO();
  const argv = process.argv.slice(2);
  let code: number;
  try {
    const commandLine = parseArgs(argv, QUS_VERSION);
    if (commandLine.kind === "print") {
      (commandLine.to === "stdout" ? io.stdout : io.stderr).write(commandLine.text);
      code = commandLine.code;
    } else {
      code = await run(commandLine.args, io);
    }
  } catch (error) {
    // A command line qus could not read still gets a JSON answer when it asked for one.
    code = reportError(error, io, argv.includes("--json"), stderrStyle(argv, io));
  }
  process.exitCode = code;
}

// qus doctor writes no file, not even Node's compile cache.
if (process.argv[2] !== "doctor") enableCompileCache();
// Not awaited at top level: the shipped CLI is CommonJS (main catches everything itself).
void main();
