// The deb822 control format shared by Release, Packages and APT's *.sources files: `Field: value`
// lines, continuation lines starting with a space or tab, stanzas separated by blank lines.
// Pure; malformed input throws Deb822SyntaxError with the line number, never anything else.

/** One stanza: field names are matched case-insensitively, values keep their continuation lines. */
export class Deb822Stanza {
  private readonly fields = new Map<string, { name: string; value: string }>();

  /** Adds or replaces a field (a repeated field keeps the last value, as apt does). */
  set(name: string, value: string): void {
    this.fields.set(name.toLowerCase(), { name, value });
  }

  /** The field's value (first line and continuation lines joined by "\n"), or undefined. */
  get(name: string): string | undefined {
    return this.fields.get(name.toLowerCase())?.value;
  }

  /** Field names in their original spelling, in first-seen order. */
  names(): string[] {
    return [...this.fields.values()].map((field) => field.name);
  }
}

/** The text is not well-formed deb822. */
export class Deb822SyntaxError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(`line ${line}: ${message}`);
    this.name = "Deb822SyntaxError";
    this.line = line;
  }
}

// The `s` flag: a value may hold "\r", U+2028 or U+2029, which are not line breaks in deb822.
const FIELD_LINE = /^([!-9;-~][!-9;-~]*):[ \t]*(.*)$/s;

/**
 * Parses deb822 text into stanzas. `#` comment lines are skipped when `allowComments` (APT's
 * *.sources files allow them; Release and Packages do not contain any).
 */
export function parseDeb822(
  text: string,
  options: { readonly allowComments?: boolean } = {},
): Deb822Stanza[] {
  const stanzas: Deb822Stanza[] = [];
  let current: Deb822Stanza | null = null;
  let lastField: string | null = null;
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] as string).replace(/\r$/, "");
    const lineNumber = index + 1;
    if (options.allowComments === true && line.startsWith("#")) continue;
    if (line.trim() === "") {
      current = null;
      lastField = null;
      continue;
    }
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (current === null || lastField === null) {
        throw new Deb822SyntaxError("continuation line without a field before it", lineNumber);
      }
      const continued = line.slice(1);
      const previous = current.get(lastField) ?? "";
      current.set(lastField, previous === "" ? continued : `${previous}\n${continued}`);
      continue;
    }
    const field = FIELD_LINE.exec(line);
    if (field === null)
      throw new Deb822SyntaxError(
        `expected "Field: value", got ${JSON.stringify(line.slice(0, 60))}`,
        lineNumber,
      );
    if (current === null) {
      current = new Deb822Stanza();
      stanzas.push(current);
    }
    lastField = field[1] as string;
    current.set(lastField, (field[2] as string).trimEnd());
  }
  return stanzas;
}
