// How user data appears inside messages: quoted, shortened, and with every character a terminal
// would obey (escape sequences, bell, NUL, C1 controls) written as a visible \uXXXX escape, so a
// hostile config cannot drive the user's terminal or flood it with a 100,000-character value.

/** Quoted values longer than this many characters are cut, and end with "…". */
export const MAX_QUOTED_LENGTH = 80;

// C0 controls, DEL and C1 controls: what terminals act on.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;
// The same without tab and line feed, for multi-line text written to a terminal.
const CONTROL_CHARACTERS_BUT_TAB_AND_NEWLINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// Bidirectional overrides and isolates, and Unicode's line separators: inside a quoted value they
// would make it look like something else (or break the line), so they are shown escaped too.
const DECEPTIVE_FORMATTING = /[\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function unicodeEscape(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/**
 * Replaces control characters with visible `\uXXXX` escapes. `keepNewlines` keeps tab and line
 * feed (for multi-line output); otherwise the result is guaranteed to be one line.
 */
export function escapeControlCharacters(
  text: string,
  options: { readonly keepNewlines?: boolean } = {},
): string {
  const pattern =
    options.keepNewlines === true ? CONTROL_CHARACTERS_BUT_TAB_AND_NEWLINE : CONTROL_CHARACTERS;
  return text.replace(pattern, unicodeEscape);
}

/** The first `max` characters of `text`, never splitting a surrogate pair, with "…" when cut. */
export function shorten(text: string, max: number = MAX_QUOTED_LENGTH): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
  return `${text.slice(0, end)}…`;
}

/**
 * A user-supplied string as messages show it: in double quotes, JSON-escaped (so `\n` and `"` are
 * visible), control and deceptive formatting characters escaped, cut after MAX_QUOTED_LENGTH.
 */
export function quote(value: string): string {
  return escapeControlCharacters(JSON.stringify(shorten(value))).replace(
    DECEPTIVE_FORMATTING,
    unicodeEscape,
  );
}
