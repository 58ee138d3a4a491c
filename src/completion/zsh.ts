// `qus completion zsh`: a #compdef function made from the command table (commands with their
// descriptions, each command's options through _arguments).
import type { OptionSpec } from "../cli/command-spec.js";
import { COMMANDS, CONFIG_NAMES, takesFiles, valueKind, visibleOptions } from "./words.js";

/** Text inside a single-quoted zsh word. */
function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A description inside _arguments' `[...]` or _describe's `name:text`. */
function describe(text: string): string {
  return text
    .replaceAll("\\", "\\\\")
    .replaceAll("[", "\\[")
    .replaceAll("]", "\\]")
    .replaceAll(":", "\\:");
}

function action(option: OptionSpec): string {
  const kind = valueKind(option);
  if (kind === undefined) return "";
  const label = (option.value ?? "value").replace(/[<>]/g, "");
  switch (kind.kind) {
    case "choices":
      return `:${label}:(${kind.words.join(" ")})`;
    case "config":
      return `:${label}:{_files; compadd -- ${CONFIG_NAMES.join(" ")}}`;
    case "file":
      return `:${label}:_files`;
    case "directory":
      return `:${label}:_files -/`;
    default:
      return `:${label}: `;
  }
}

function spec(option: OptionSpec): string {
  const text = `[${describe(option.description)}]${action(option)}`;
  if (option.short === undefined) return quote(`--${option.name}${text}`);
  return `${quote(`(-${option.short} --${option.name})`)}{-${option.short},--${option.name}}${quote(text)}`;
}

/** The zsh completion script (install as `_qus` on $fpath). */
export function zshCompletion(): string {
  const commands = COMMANDS.map((c) => `    ${quote(`${c.name}:${describe(c.description)}`)}`);
  const cases = COMMANDS.map((c) => {
    const specs = visibleOptions(c).map(spec);
    if (takesFiles(c)) specs.push(quote("*:file:_files"));
    return `    ${c.name}) _arguments -s ${specs.join(" ")} ;;`;
  });
  return [
    "#compdef qus",
    "# zsh completion for qus, generated from its command table (qus completion zsh)",
    "_qus() {",
    "  local -a commands",
    "  commands=(",
    ...commands,
    "    'help:display help for command'",
    "  )",
    "  if (( CURRENT == 2 )); then",
    "    _describe -t commands 'qus command' commands",
    "    return",
    "  fi",
    "  local command=$words[2]",
    "  shift words",
    "  (( CURRENT-- ))",
    "  case $command in",
    ...cases,
    "    help) _describe -t commands 'qus command' commands ;;",
    "  esac",
    "}",
    'if [ "$funcstack[1]" = "_qus" ]; then _qus "$@"; else compdef _qus qus; fi',
    "",
  ].join("\n");
}
