// `qus completion bash`: a bash completion function made from the command table. It uses only
// bash built-ins (compgen, complete), so it works without the bash-completion package too.
import {
  COMMANDS,
  CONFIG_NAMES,
  commandNames,
  valueKind,
  visibleOptions,
  takesFiles,
} from "./words.js";
import type { CommandSpec } from "../cli/command-spec.js";

function optionWords(command: CommandSpec): string {
  return visibleOptions(command)
    .flatMap((o) => (o.short === undefined ? [`--${o.name}`] : [`-${o.short}`, `--${o.name}`]))
    .join(" ");
}

function valueCases(): string[] {
  const cases = new Map<string, string>();
  for (const command of COMMANDS) {
    for (const option of visibleOptions(command)) {
      const kind = valueKind(option);
      if (kind === undefined) continue;
      const names = [`--${option.name}`, ...(option.short ? [`-${option.short}`] : [])].join("|");
      const action =
        kind.kind === "choices"
          ? `COMPREPLY=($(compgen -W "${kind.words.join(" ")}" -- "$cur"))`
          : kind.kind === "config"
            ? `COMPREPLY=($(compgen -W "${CONFIG_NAMES.join(" ")}" -- "$cur") $(compgen -f -- "$cur"))`
            : kind.kind === "file"
              ? `COMPREPLY=($(compgen -f -- "$cur"))`
              : kind.kind === "directory"
                ? `COMPREPLY=($(compgen -d -- "$cur"))`
                : "COMPREPLY=()";
      if (kind.kind === "config") {
        cases.set("config", `    *:--config|*:-c) ${action}; return ;;`);
        continue;
      }
      cases.set(
        `${command.name} ${names}`,
        `    ${command.name}:${names.replaceAll("|", `|${command.name}:`)}) ${action}; return ;;`,
      );
    }
  }
  return [...cases.values()];
}

/** The bash completion script. */
export function bashCompletion(): string {
  const perCommand = COMMANDS.map(
    (c) => `    ${c.name}) words="${optionWords(c)}"; files=${takesFiles(c) ? 1 : 0} ;;`,
  );
  // (The ${...} below are bash expansions, not JS templates: biome.json lets completion/ hold them.)
  return [
    "# bash completion for qus, generated from its command table (qus completion bash)",
    "_qus() {",
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
    '  local command="${COMP_WORDS[1]}" words="" files=0',
    '  if [ "$COMP_CWORD" -eq 1 ]; then',
    `    COMPREPLY=($(compgen -W "${commandNames().join(" ")} --help --version" -- "$cur"))`,
    "    return",
    "  fi",
    '  case "$command:$prev" in',
    ...valueCases(),
    "  esac",
    '  case "$command" in',
    ...perCommand,
    `    help) words="${COMMANDS.map((c) => c.name).join(" ")}" ;;`,
    "  esac",
    '  COMPREPLY=($(compgen -W "$words" -- "$cur"))',
    '  if [ "$files" = 1 ] && [ "${cur#-}" = "$cur" ]; then COMPREPLY+=($(compgen -f -- "$cur")); fi',
    "}",
    "complete -F _qus qus",
    "",
  ].join("\n");
}
