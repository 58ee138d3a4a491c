// Two kindnesses of the command line: options may stand before the command (`qus -c FILE plan`,
// as Terraform and git users type), and a misspelt command or option gets "did you mean".
import { didYouMean } from "../config/did-you-mean.js";
import { COMMANDS, type CommandSpec, type OptionSpec } from "./command-spec.js";

/** Every option any command accepts, for the options typed before the command. */
const ALL_OPTIONS: readonly OptionSpec[] = COMMANDS.flatMap((c) => c.options);

/** Asked for before any command, they are answered as if typed first. */
const HELP_OR_VERSION = new Set(["-h", "--help", "-V", "--version"]);

/** `unknown command 'aply' (did you mean "apply"?)`. */
export function unknownCommandMessage(name: string): string {
  return `unknown command '${name}'${didYouMean(
    name,
    COMMANDS.map((c) => c.name),
  )}`;
}

/** `unknown option '--hlep' for 'qus plan' (did you mean "--help"?)`. */
export function unknownOptionMessage(token: string, command?: CommandSpec): string {
  const options = command?.options ?? ALL_OPTIONS;
  const where = command === undefined ? "" : ` for 'qus ${command.name}'`;
  const suggestion = token.startsWith("--")
    ? didYouMean(token.slice(2).split("=")[0] as string, [
        "help",
        ...(command === undefined ? ["version"] : []),
        ...options.map((o) => o.name),
      ]).replace('"', '"--')
    : "";
  return `unknown option '${token}'${where}${suggestion}`;
}

/**
 * Splits `[options...] command [rest...]`: the tokens of options typed before the command (with
 * their values), the command word (or -h/--help/-V/--version), and what follows it. Throws the message of an unknown option.
 */
export function splitLeadingOptions(argv: readonly string[]): {
  readonly leading: readonly string[];
  readonly command: string | undefined;
  readonly rest: readonly string[];
} {
  const leading: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const token = argv[i] as string;
    if (!token.startsWith("-") || token === "-" || token === "--") break;
    if (HELP_OR_VERSION.has(token)) break;
    const option = optionOf(token);
    if (option === undefined) throw new Error(unknownOptionMessage(token));
    leading.push(token);
    const inline = token.startsWith("--") ? token.includes("=") : token.length > 2;
    if (option.value !== undefined && !inline && i + 1 < argv.length) {
      leading.push(argv[i + 1] as string);
      i++;
    }
    i++;
  }
  return { leading, command: argv[i], rest: argv.slice(i + 1) };
}

function optionOf(token: string): OptionSpec | undefined {
  if (token.startsWith("--")) {
    const name = token.slice(2).split("=")[0];
    return ALL_OPTIONS.find((o) => o.name === name);
  }
  return ALL_OPTIONS.find((o) => o.short === token[1]);
}
