// A small model of what fs/binfmt_misc.c does with a register line and how it prints the entry,
// written from the kernel source independently of src/kernel. The property tests use it for
// thousands of fast cases; round-trip.test.ts checks it byte for byte against the real kernel.

/** An entry as the kernel stores it after parsing a register line. */
export interface ModelEntry {
  readonly name: string;
  readonly type: "M" | "E";
  readonly offset: number;
  readonly magic: Uint8Array;
  readonly mask: Uint8Array | null;
  readonly extension: string;
  readonly interpreter: string;
  readonly flags: ReadonlySet<string>;
}

/** Parses a register line like create_entry() (only the parts qus produces: M and E types). */
export function modelRegister(line: string): ModelEntry {
  const delimiter = line[0]!;
  const fields = line.slice(1).split(delimiter);
  if (fields.length !== 7) throw new Error(`model: expected 7 fields, got ${fields.length}`);
  const [name, type, offsetText, magicText, maskText, interpreter, flagText] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const flags = new Set<string>();
  for (const flag of flagText.replace(/\n$/, "")) {
    if (!"POCF".includes(flag)) throw new Error(`model: bad flag ${flag}`);
    flags.add(flag);
  }
  if (flags.has("C")) flags.add("O"); // MISC_FMT_CREDENTIALS implies MISC_FMT_OPEN_BINARY
  if (type === "E") {
    return {
      name,
      type,
      offset: 0,
      magic: new Uint8Array(),
      mask: null,
      extension: magicText,
      interpreter,
      flags,
    };
  }
  const magic = unescapeHex(magicText);
  return {
    name,
    type: "M",
    offset: offsetText === "" ? 0 : Number(offsetText),
    magic,
    mask: maskText === "" ? null : unescapeHex(maskText),
    extension: "",
    interpreter,
    flags,
  };
}

/** Prints an entry like bm_entry_read(). */
export function modelPrint(entry: ModelEntry, enabled = true): string {
  let text = `${enabled ? "enabled" : "disabled"}\ninterpreter ${entry.interpreter}\nflags: `;
  for (const flag of "POCF") if (entry.flags.has(flag)) text += flag;
  text += "\n";
  if (entry.type === "E") return `${text}extension .${entry.extension}\n`;
  text += `offset ${entry.offset}\nmagic ${hex(entry.magic)}\n`;
  if (entry.mask !== null) text += `mask ${hex(entry.mask)}\n`;
  return text;
}

/** string_unescape(UNESCAPE_HEX): `\x` followed by one or two hex digits; other bytes as they are. */
function unescapeHex(text: string): Uint8Array {
  const bytes: number[] = [];
  const source = Buffer.from(text);
  for (let i = 0; i < source.length; ) {
    if (source[i] === 0x5c && source[i + 1] === 0x78 && isHexDigit(source[i + 2])) {
      let value = parseInt(String.fromCharCode(source[i + 2]!), 16);
      i += 3;
      if (isHexDigit(source[i])) {
        value = value * 16 + parseInt(String.fromCharCode(source[i]!), 16);
        i += 1;
      }
      bytes.push(value);
    } else {
      bytes.push(source[i]!);
      i += 1;
    }
  }
  return Uint8Array.from(bytes);
}

function isHexDigit(byte: number | undefined): boolean {
  return byte !== undefined && /[0-9a-fA-F]/.test(String.fromCharCode(byte));
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}
