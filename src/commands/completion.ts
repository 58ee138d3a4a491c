// `qus completion bash|zsh|fish`: prints the shell's completion script on stdout.
import type { CliArgs } from "../cli/args.js";
import type { CommandIO } from "../cli/io.js";
import { completionScript } from "../completion/index.js";
import { COMPLETION_SHELLS, type CompletionShell } from "../completion/words.js";
import { QusError } from "../errors.js";

/** Prints the completion script, or refuses a shell qus has none for. */
export async function completionCommand(
  args: Extract<CliArgs, { command: "completion" }>,
  io: CommandIO,
): Promise<number> {
  if (!(COMPLETION_SHELLS as readonly string[]).includes(args.shell)) {
    throw new QusError(
      `qus completion: no completion script for the shell ${JSON.stringify(args.shell)}`,
      { hint: `choose one of: ${COMPLETION_SHELLS.join(", ")}` },
    );
  }
  io.stdout.write(completionScript(args.shell as CompletionShell));
  return 0;
}
