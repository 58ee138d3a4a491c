// `qus completion fish`: `complete` lines made from the command table.
import type { OptionSpec } from "../cli/command-spec.js";
import {
  COMMANDS,
  CONFIG_NAMES,
  commandNames,
  takesFiles,
  valueKind,
  visibleOptions,
} from "./words.js";

/** A single-quoted fish word. */
function quote(text: string): string {
  return `'${text.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}

function optionLine(command: string, option: OptionSpec): string {
  const parts = ["complete -c qus", `-n ${quote(`__fish_seen_subcommand_from ${command}`)}`];
  if (option.short !== undefined) parts.push(`-s ${option.short}`);
  parts.push(`-l ${option.name}`);
  const kind = valueKind(option);
  if (kind?.kind === "choices") parts.push(`-x -a ${quote(kind.words.join(" "))}`);
  else if (kind?.kind === "config") parts.push(`-r -F -a ${quote(CONFIG_NAMES.join(" "))}`);
  else if (kind?.kind === "file" || kind?.kind === "directory") parts.push("-r -F");
  else if (kind?.kind === "none") parts.push("-x");
  parts.push(`-d ${quote(option.description)}`);
  return parts.join(" ");
}

/** The fish completion script. */
export function fishCompletion(): string {
  const names = commandNames().join(" ");
  const lines = [
    "# fish completion for qus, generated from its command table (qus completion fish)",
    "complete -c qus -f",
    `complete -c qus -n ${quote(`not __fish_seen_subcommand_from ${names}`)} -s V -l version -d 'output the version number'`,
    "complete -c qus -s h -l help -d 'display help for command'",
  ];
  for (const c of COMMANDS) {
    lines.push(
      `complete -c qus -n ${quote(`not __fish_seen_subcommand_from ${names}`)} -a ${c.name} -d ${quote(c.description)}`,
    );
  }
  lines.push(
    `complete -c qus -n ${quote(`not __fish_seen_subcommand_from ${names}`)} -a help -d 'display help for command'`,
  );
  for (const c of COMMANDS) {
    for (const option of visibleOptions(c)) {
      if (option.name !== "help") lines.push(optionLine(c.name, option));
    }
    if (takesFiles(c))
      lines.push(`complete -c qus -n ${quote(`__fish_seen_subcommand_from ${c.name}`)} -F`);
  }
  return `${lines.join("\n")}\n`;
}
