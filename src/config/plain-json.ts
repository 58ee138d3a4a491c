// The fast way to read a JSON config: JSON.parse plus a scan for repeated keys (which JSON.parse
// silently collapses, the last value winning). A valid config then never loads the YAML reader,
// which parse.ts needs only for positions, when there is something to report.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** True when some object in `text` has the same key twice. `text` must be valid JSON (JSON.parse accepted it). */
export function hasDuplicateKeys(text: string): boolean {
  // One set of seen keys per open object; null for an open array.
  const open: Array<Set<string> | null> = [];
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      let end = i + 1;
      while (text.charCodeAt(end) !== QUOTE) end += text.charCodeAt(end) === BACKSLASH ? 2 : 1;
      const literal = text.slice(i, end + 1);
      i = end + 1;
      const keys = open.at(-1);
      if (keys === undefined || keys === null) continue;
      let next = i;
      while (isJsonSpace(text.charCodeAt(next))) next++;
      if (text.charCodeAt(next) !== COLON) continue;
      // "\u0061" and "a" are the same key: decode escapes the way JSON.parse does.
      const key = literal.includes("\\") ? (JSON.parse(literal) as string) : literal.slice(1, -1);
      if (keys.has(key)) return true;
      keys.add(key);
      continue;
    }
    if (code === OPEN_OBJECT) open.push(new Set());
    else if (code === OPEN_ARRAY) open.push(null);
    else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) open.pop();
    i++;
  }
  return false;
}

/** The parsed value of valid JSON without repeated keys; undefined otherwise (parse.ts then says why, with positions). */
export function readPlainJson(text: string): { readonly value: unknown } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return hasDuplicateKeys(text) ? undefined : { value };
}

/** The sub-tree at `keys` (["qus"] for package.json); undefined when a key is missing. */
export function pickKeys(data: unknown, keys: readonly string[]): unknown {
  let value = data;
  for (const key of keys) {
    value =
      value !== null && typeof value === "object" && Object.hasOwn(value, key)
        ? (value as Record<string, unknown>)[key]
        : undefined;
  }
  return value;
}
