// The qus(1) manual page in roff (man macros), made from the same command table as the help and
// the completion scripts, so the three never disagree.
import { PROGRAM_DESCRIPTION } from "../cli/command-spec.js";
import { optionLabel } from "../cli/help-text.js";
import { COMMANDS, CONFIG_NAMES, visibleOptions } from "./words.js";

/** Text safe in roff: backslashes escaped, hyphens literal, no line starting a request. */
function roff(text: string): string {
  const escaped = text.replaceAll("\\", "\\e").replaceAll("-", "\\-");
  return /^[.']/.test(escaped) ? `\\&${escaped}` : escaped;
}

function commandSection(): string[] {
  const lines: string[] = [".SH COMMANDS"];
  for (const command of COMMANDS) {
    const args = command.arguments.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`));
    lines.push(`.SS "${roff(["qus", command.name, "[options]", ...args].join(" "))}"`);
    lines.push(roff(command.description));
    for (const argument of command.arguments) {
      lines.push(".TP", `.I ${roff(argument.name)}`, roff(argument.description));
    }
    for (const option of visibleOptions(command)) {
      lines.push(".TP", `.B ${roff(optionLabel(option))}`, roff(option.description));
      if (option.choices !== undefined) lines.push(`One of: ${roff(option.choices.join(", "))}.`);
    }
  }
  return lines;
}

/** The manual page for `version`, dated `date` (YYYY-MM-DD). */
export function manPage(version: string, date: string): string {
  return [
    `.TH QUS 1 "${date}" "qus ${roff(version)}" "User Commands"`,
    ".SH NAME",
    "qus \\- declarative provisioner for QEMU user\\-mode emulation (binfmt_misc)",
    ".SH SYNOPSIS",
    ".B qus",
    ".I command",
    "[options]",
    ".br",
    ".B qus",
    "[\\fB\\-V\\fR | \\fB\\-\\-version\\fR | \\fB\\-h\\fR | \\fB\\-\\-help\\fR]",
    ".SH DESCRIPTION",
    roff(PROGRAM_DESCRIPTION),
    "qus reads a config file, compares it with the live binfmt_misc registrations and the",
    "emulators on disk, shows the plan, and applies only what changed.",
    ...commandSection(),
    ".SH FILES",
    "Without \\fB\\-\\-config\\fR, qus looks in the current directory for the first of:",
    ".PP",
    roff(CONFIG_NAMES.join(", ")),
    ', or the "qus" key of package.json.',
    ".SH EXIT STATUS",
    ".TP",
    ".B 0",
    "success, or no changes",
    ".TP",
    ".B 1",
    "an error (the message says what and where)",
    ".TP",
    ".B 2",
    "with \\fB\\-\\-detailed\\-exitcode\\fR: there are changes (plan) or changes were made (apply)",
    ".SH SEE ALSO",
    ".BR qemu\\-user (1),",
    ".BR binfmt.d (5)",
    "",
  ].join("\n");
}
