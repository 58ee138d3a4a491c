// The help text made from the command table: `qus --help` and `qus <command> --help`, wrapped
// to 80 columns. Pure: it returns strings and prints nothing.
import {
  type ArgumentSpec,
  COMMANDS,
  type CommandSpec,
  HELP,
  type OptionSpec,
  PROGRAM_DESCRIPTION,
} from "./command-spec.js";

const WIDTH = 80;

// Why: help, usage errors and the man page name an option the same way.
/** `-c, --config <file>` as help shows an option. */
export function optionLabel(option: OptionSpec): string {
  const long = `--${option.name}${option.value === undefined ? "" : ` ${option.value}`}`;
  return option.short === undefined ? long : `-${option.short}, ${long}`;
}

function argumentLabel(argument: ArgumentSpec): string {
  const name = argument.rest ? `${argument.name}...` : argument.name;
  return argument.required ? `<${name}>` : `[${name}]`;
}

function usageOf(command: CommandSpec): string {
  return command.usage ?? ["[options]", ...command.arguments.map(argumentLabel)].join(" ");
}

/** Wraps `text` to the terminal width, continuing lines under column `indent`. */
function wrap(text: string, indent: number, first = ""): string {
  const lines: string[] = [];
  let line = first.padEnd(indent);
  let empty = true;
  for (const word of text.split(" ")) {
    if (!empty && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = " ".repeat(indent);
      empty = true;
    }
    line += (empty ? "" : " ") + word;
    empty = false;
  }
  lines.push(line);
  return lines.join("\n");
}

/** A two-column list: labels, then descriptions aligned and wrapped. */
function table(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, text]) => wrap(text, width + 2, `  ${label}`)).join("\n");
}

// Why: the program's help is generated from the table, so it cannot drift from the parser.
/** `qus --help`. */
export function programHelp(): string {
  const commands = COMMANDS.map((c): [string, string] => [
    [c.name, "[options]", ...c.arguments.map(argumentLabel)].join(" "),
    c.description,
  ]);
  return [
    "Usage: qus [options] [command]",
    "",
    wrap(PROGRAM_DESCRIPTION, 0),
    "",
    "Options:",
    table([
      ["-V, --version", "output the version number"],
      ["-h, --help", "display help for command"],
    ]),
    "",
    "Commands:",
    table([...commands, ["help [command]", "display help for command"]]),
    "",
  ].join("\n");
}

// Why: a command's help is generated from its table entry, so it cannot drift from the parser.
/** `qus <command> --help`. */
export function commandHelp(command: CommandSpec): string {
  const options = [...command.options, HELP]
    .filter((o) => o.hidden !== true)
    .map((o): [string, string] => [optionLabel(o), o.description + describeChoices(o)]);
  const sections = [
    `Usage: qus ${command.name} ${usageOf(command)}`,
    "",
    wrap(command.description, 0),
    "",
  ];
  if (command.arguments.length > 0)
    sections.push("Arguments:", table(command.arguments.map((a) => [a.name, a.description])), "");
  sections.push("Options:", table(options), "");
  return sections.join("\n");
}

function describeChoices(option: OptionSpec): string {
  const parts = [
    ...(option.choices === undefined
      ? []
      : [`choices: ${option.choices.map((c) => `"${c}"`).join(", ")}`]),
    ...(option.defaultValue === undefined ? [] : [`default: "${option.defaultValue}"`]),
  ];
  return parts.length === 0 ? "" : ` (${parts.join(", ")})`;
}
