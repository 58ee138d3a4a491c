// The words a user error prints on stderr, in one place: the CLI's error report (main.ts) and
// `qus run`'s setup script, which prints them itself once qus has handed its process over.
import { escapeControlCharacters } from "../config/quote.js";
import type { QusError } from "../errors.js";
import { plainStyle, type Style } from "../views/style.js";

// Why: messages quote user data (file names, keys, values); no control character may reach the terminal.
/** `Error: message`, then the hint indented, each line ending in a newline. */
export function qusErrorText(error: QusError, style: Style = plainStyle): string {
  const safe = (text: string): string => escapeControlCharacters(text, { keepNewlines: true });
  const hint = error.hint ? `  ${safe(error.hint).replaceAll("\n", "\n  ")}\n` : "";
  return `${style.error("Error:")} ${safe(error.message)}\n${hint}`;
}
