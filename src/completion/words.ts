// What every completion script offers, read once from the command table: the commands, each
// command's visible options, how an option's value completes, and the config file names.
import { COMMANDS, type CommandSpec, type OptionSpec } from "../cli/command-spec.js";
import { CONFIG_FILE_NAMES } from "../config/discover.js";

/** How an option's value is completed: from a fixed list, as a file, a directory, or not at all. */
export type ValueKind =
  | { readonly kind: "choices"; readonly words: readonly string[] }
  | { readonly kind: "config" }
  | { readonly kind: "file" }
  | { readonly kind: "directory" }
  | { readonly kind: "none" };

/** The shells `qus completion` writes a script for. */
export const COMPLETION_SHELLS = ["bash", "zsh", "fish"] as const;

/** One of COMPLETION_SHELLS. */
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** The options a command shows (hidden ones are internal and never offered). */
export function visibleOptions(command: CommandSpec): readonly OptionSpec[] {
  return command.options.filter((option) => option.hidden !== true);
}

/** Every command users type (`help` included, as `qus --help` lists it). */
export function commandNames(): readonly string[] {
  return [...COMMANDS.map((command) => command.name), "help"];
}

/** How the value of `option` completes; undefined for a flag. */
export function valueKind(option: OptionSpec): ValueKind | undefined {
  if (option.value === undefined) return undefined;
  if (option.choices !== undefined) return { kind: "choices", words: option.choices };
  if (option.name === "config") return { kind: "config" };
  if (option.value === "<file>") return { kind: "file" };
  if (option.value === "<dir>") return { kind: "directory" };
  return { kind: "none" };
}

/** Whether a command's positional arguments are files (a plan file, a saved plan). */
export function takesFiles(command: CommandSpec): boolean {
  return command.arguments.some((argument) => argument.name.includes("file"));
}

/** The config file names qus looks for, offered for `--config`. */
export const CONFIG_NAMES: readonly string[] = CONFIG_FILE_NAMES;

export { COMMANDS };
