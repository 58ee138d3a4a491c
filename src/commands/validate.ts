// `qus validate`: load and check the config, touching nothing else.
import type { CliArgs } from "../cli/args.js";
import { writeLine, type CommandIO } from "../cli/io.js";
import { loadCommandConfig } from "./pipeline.js";
import { printJson } from "./show-plan.js";

/** Runs validate; a ConfigError (exit 1) says what is wrong and where. */
export async function validateCommand(
  args: Extract<CliArgs, { command: "validate" }>,
  io: CommandIO,
): Promise<number> {
  const config = await loadCommandConfig(args.configPath, io);
  const where = config.file ?? "the embedded default";
  if (args.json) {
    printJson(
      {
        format_version: "1",
        valid: true,
        config_file: config.file,
        targets: config.targets.map((t) => t.target),
      },
      io,
    );
  } else {
    const targets = config.targets.map((t) => t.target).join(", ") || "none";
    writeLine(
      io.stdout,
      `The configuration in ${where} is valid (${config.targets.length} targets: ${targets}).`,
    );
  }
  return 0;
}
