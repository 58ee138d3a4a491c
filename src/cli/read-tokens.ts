// Reads the tokens after the command name against the command's table entry: options (long,
// short, inline values, choices, required ones) and positional arguments, each checked.
import { optionLabel } from "./help-text.js";
import type { CommandSpec, OptionSpec } from "./command-spec.js";
import { unknownOptionMessage } from "./leading-options.js";
import { UsageError } from "./usage-error.js";

// Why: args.ts reads the values by option name when it builds the typed args.
/** Option values as typed: flags are true, valued options their last value. */
export type Values = ReadonlyMap<string, string | true>;

// Why: args.ts turns checked values into typed args; the token rules live here on their own.
/** Splits the tokens after the command name into option values and positionals, checking both. */
export function readTokens(
  command: CommandSpec,
  tokens: readonly string[],
): "help" | { values: Values; positionals: string[] } {
  const values = new Map<string, string | true>();
  const positionals: string[] = [];
  const takesRest = command.arguments.some((a) => a.rest === true);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    // After "--", or once a command to run has started, everything is an argument.
    if (token === "--" || (takesRest && positionals.length > 0)) {
      positionals.push(...tokens.slice(token === "--" ? i + 1 : i));
      break;
    }
    if (token === "-h" || token === "--help") return "help";
    if (!token.startsWith("-") || token === "-") {
      positionals.push(token);
      continue;
    }
    const { option, inline } = findOption(command, token);
    if (option.value === undefined) {
      if (inline !== undefined)
        throw new UsageError(`option '${optionLabel(option)}' takes no value`);
      values.delete(option.name);
      values.set(option.name, true);
      continue;
    }
    const value = inline ?? tokens[++i];
    if (value === undefined)
      throw new UsageError(`option '${optionLabel(option)}' argument missing`);
    if (option.choices !== undefined && !option.choices.includes(value)) {
      throw new UsageError(
        `option '${optionLabel(option)}' argument '${value}' is invalid. Allowed choices are ${option.choices.join(", ")}.`,
      );
    }
    values.set(option.name, value);
  }
  for (const option of command.options) {
    if (option.required === true && !values.has(option.name))
      throw new UsageError(`required option '${optionLabel(option)}' not specified`);
  }
  checkPositionals(command, positionals);
  return { values, positionals };
}

/** The option a token names: `--name`, `--name=value`, `-s`, `-svalue`. */
function findOption(command: CommandSpec, token: string): { option: OptionSpec; inline?: string } {
  const unknown = (): never => {
    throw new UsageError(unknownOptionMessage(token, command));
  };
  if (token.startsWith("--")) {
    const equals = token.indexOf("=");
    const name = token.slice(2, equals === -1 ? undefined : equals);
    const option = command.options.find((o) => o.name === name) ?? unknown();
    return equals === -1 ? { option } : { option, inline: token.slice(equals + 1) };
  }
  const option = command.options.find((o) => o.short === token[1]) ?? unknown();
  if (token.length === 2) return { option };
  if (option.value === undefined) return unknown(); // grouped flags: none of qus's short options is a flag
  return { option, inline: token.slice(2) };
}

function checkPositionals(command: CommandSpec, positionals: readonly string[]): void {
  const specs = command.arguments;
  const missing = specs.find((a, index) => a.required && positionals.length <= index);
  if (missing !== undefined) throw new UsageError(`missing required argument '${missing.name}'`);
  if (!specs.some((a) => a.rest === true) && positionals.length > specs.length) {
    const expected = `${specs.length} argument${specs.length === 1 ? "" : "s"}`;
    throw new UsageError(
      `too many arguments for '${command.name}': expected ${expected}, got ${positionals.length}`,
    );
  }
}
