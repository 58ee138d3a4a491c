// Recognises config files saved as UTF-16 or UTF-32 (Windows editors and PowerShell's `>` do
// this), so the user is told the encoding instead of a confusing parse error about NUL bytes.

/** A text encoding qus does not read, and what gave it away. */
export interface WrongEncoding {
  /** The name iconv knows it by, e.g. "UTF-16LE". */
  readonly name: string;
  /** "a byte order mark FF FE" or "NUL bytes between the characters". */
  readonly evidence: string;
}

const BYTE_ORDER_MARKS: readonly (readonly [string, readonly number[]])[] = [
  // UTF-32LE before UTF-16LE: its mark starts with UTF-16LE's.
  ["UTF-32LE", [0xff, 0xfe, 0x00, 0x00]],
  ["UTF-32BE", [0x00, 0x00, 0xfe, 0xff]],
  ["UTF-16LE", [0xff, 0xfe]],
  ["UTF-16BE", [0xfe, 0xff]],
];

// Where the NUL bytes fall around the first (ASCII) characters: 1 is a non-NUL byte, 0 a NUL.
const NUL_PATTERNS: readonly (readonly [string, string])[] = [
  ["UTF-32BE", "0001"],
  ["UTF-32LE", "1000"],
  ["UTF-16BE", "0101"],
  ["UTF-16LE", "1010"],
];

/**
 * The encoding the first bytes of a file reveal when it is UTF-16 or UTF-32 (by its byte order
 * mark, or by the NUL bytes ASCII text has in those encodings); undefined for anything else.
 */
export function detectWrongEncoding(bytes: Uint8Array): WrongEncoding | undefined {
  for (const [name, mark] of BYTE_ORDER_MARKS) {
    if (bytes.length >= mark.length && mark.every((byte, i) => bytes[i] === byte)) {
      const hex = mark.map((byte) => byte.toString(16).padStart(2, "0").toUpperCase()).join(" ");
      return { name, evidence: `a byte order mark ${hex}` };
    }
  }
  if (bytes.length < 4) return undefined;
  const shape = [...bytes.subarray(0, 4)].map((byte) => (byte === 0 ? "0" : "1")).join("");
  const match = NUL_PATTERNS.find(([, pattern]) => pattern === shape);
  return match === undefined
    ? undefined
    : { name: match[0], evidence: "NUL bytes between the characters" };
}
