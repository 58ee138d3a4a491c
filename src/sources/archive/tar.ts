// A streaming tar reader (ustar, GNU long names, pax headers) that yields each entry with a
// body the caller may read or ignore. Bodies nobody reads are skipped without being stored, and
// the caller can stop at any entry: breaking out of the loop stops the underlying stream.
// Bounds-checked: malformed input throws TarFormatError, never anything else.
import { ChunkReader } from "./chunk-reader.js";

/** What kind of entry it is; anything qus does not name is "other". */
export type TarEntryType = "file" | "hardlink" | "symlink" | "directory" | "other";

/** One entry's metadata (names with GNU long-name and pax overrides applied). */
export interface TarEntry {
  readonly path: string;
  readonly type: TarEntryType;
  /** The raw typeflag character, for messages. */
  readonly typeflag: string;
  readonly size: number;
  readonly mode: number;
  readonly linkTarget: string;
}

/** An entry and its content; `body` must be read before the next entry, or it is skipped. */
export interface TarItem {
  readonly entry: TarEntry;
  readonly body: AsyncIterable<Uint8Array>;
}

/** The stream is not a well-formed tar archive. */
export class TarFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TarFormatError";
  }
}

const BLOCK = 512;
/** "ustar", at offset 257 of POSIX and GNU headers. */
const USTAR = [0x75, 0x73, 0x74, 0x61, 0x72];
/** GNU long names and pax headers larger than this are not from a real package. */
const MAX_META_BYTES = 1024 * 1024;

function text(block: Uint8Array, start: number, length: number): string {
  const slice = block.subarray(start, start + length);
  const end = slice.indexOf(0);
  return Buffer.from(end < 0 ? slice : slice.subarray(0, end)).toString("utf8");
}

function numeric(block: Uint8Array, start: number, length: number, what: string): number {
  const first = block[start] ?? 0;
  if ((first & 0x80) !== 0) {
    // GNU base-256: big-endian two's complement; qus accepts only non-negative values that fit.
    if ((first & 0x40) !== 0) throw new TarFormatError(`negative ${what}`);
    let value = first & 0x3f;
    for (let i = start + 1; i < start + length; i++) {
      value = value * 256 + (block[i] ?? 0);
      if (!Number.isSafeInteger(value)) throw new TarFormatError(`${what} too large`);
    }
    return value;
  }
  const digits = text(block, start, length).trim();
  if (digits === "") return 0;
  if (!/^[0-7]+$/.test(digits))
    throw new TarFormatError(`${what} ${JSON.stringify(digits)} is not octal`);
  return Number.parseInt(digits, 8);
}

function checksumMatches(block: Uint8Array): boolean {
  const stored = numeric(block, 148, 8, "header checksum");
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number);
  return sum === stored;
}

/**
 * Whether a 512-byte block looks like a tar header: "ustar" magic and a matching checksum. How a
 * reader that starts in the middle of an archive finds the next header.
 */
export function isTarHeader(block: Uint8Array): boolean {
  if (block.length !== BLOCK || !USTAR.every((byte, i) => block[257 + i] === byte)) return false;
  try {
    return checksumMatches(block);
  } catch {
    return false; // a checksum field that is not a number
  }
}

function entryType(flag: string): TarEntryType {
  if (flag === "0" || flag === "\0" || flag === "7") return "file";
  if (flag === "1") return "hardlink";
  if (flag === "2") return "symlink";
  if (flag === "5") return "directory";
  return "other";
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

// pax records: "<length> <key>=<value>\n", length counting the whole record.
function parsePax(data: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  let position = 0;
  while (position < data.length) {
    const space = data.indexOf(0x20, position);
    if (space < 0) throw new TarFormatError("malformed pax record");
    const lengthText = Buffer.from(data.subarray(position, space)).toString("latin1");
    if (!/^\d+$/.test(lengthText)) throw new TarFormatError("malformed pax record length");
    const length = Number(lengthText);
    if (length <= space - position + 1 || position + length > data.length)
      throw new TarFormatError("pax record overruns its header");
    const record = Buffer.from(data.subarray(space + 1, position + length - 1)).toString("utf8");
    const equals = record.indexOf("=");
    if (equals < 0) throw new TarFormatError("pax record without '='");
    records.set(record.slice(0, equals), record.slice(equals + 1));
    position += length;
  }
  return records;
}

async function readExact(reader: ChunkReader, length: number, what: string): Promise<Uint8Array> {
  const bytes = await reader.read(length);
  if (bytes.length < length) throw new TarFormatError(`archive ends inside ${what}`);
  return bytes;
}

async function readMeta(reader: ChunkReader, size: number, what: string): Promise<Uint8Array> {
  if (size > MAX_META_BYTES) throw new TarFormatError(`${what} of ${size} bytes is too large`);
  const data = await readExact(reader, size, what);
  const copy = Uint8Array.from(data);
  await readExact(reader, padding(size), what);
  return copy;
}

/**
 * Reads tar entries from a stream of chunks. `reader.consumed` (when a ChunkReader is passed)
 * tells how far into the archive reading went. Breaking out of the loop closes the stream.
 */
export async function* readTar(
  input: AsyncIterable<Uint8Array> | ChunkReader,
): AsyncGenerator<TarItem> {
  const reader =
    input instanceof ChunkReader ? input : new ChunkReader(input[Symbol.asyncIterator]());
  try {
    let longName: string | undefined;
    let longLink: string | undefined;
    let pax = new Map<string, string>();
    for (;;) {
      const block = await reader.read(BLOCK);
      if (block.length === 0) return; // end without the zero blocks: tolerated, like GNU tar
      if (block.length < BLOCK) throw new TarFormatError("archive ends inside a header");
      if (block.every((byte) => byte === 0)) return;
      if (!checksumMatches(block))
        throw new TarFormatError(`header checksum mismatch at byte ${reader.consumed - BLOCK}`);
      const typeflag = String.fromCharCode(block[156] as number);
      const size = numeric(block, 124, 12, "size");
      if (typeflag === "L" || typeflag === "K") {
        const name = text(await readMeta(reader, size, "a GNU long name"), 0, size);
        if (typeflag === "L") longName = name;
        else longLink = name;
        continue;
      }
      if (typeflag === "x") {
        pax = parsePax(await readMeta(reader, size, "a pax header"));
        continue;
      }
      if (typeflag === "g") {
        await readMeta(reader, size, "a pax global header");
        continue;
      }
      const magic = text(block, 257, 6);
      const prefix = magic.startsWith("ustar") ? text(block, 345, 155) : "";
      const ownName = text(block, 0, 100);
      const paxSize = pax.get("size");
      const entrySize = paxSize !== undefined && /^\d+$/.test(paxSize) ? Number(paxSize) : size;
      if (!Number.isSafeInteger(entrySize)) throw new TarFormatError("entry size too large");
      const entry: TarEntry = {
        path: pax.get("path") ?? longName ?? (prefix === "" ? ownName : `${prefix}/${ownName}`),
        type: entryType(typeflag),
        typeflag,
        size: entrySize,
        mode: numeric(block, 100, 8, "mode"),
        linkTarget: pax.get("linkpath") ?? longLink ?? text(block, 157, 100),
      };
      longName = undefined;
      longLink = undefined;
      pax = new Map();
      let remaining = entry.size;
      const body = (async function* () {
        for await (const chunk of reader.chunks(remaining)) {
          remaining -= chunk.length;
          yield chunk;
        }
        if (remaining > 0)
          throw new TarFormatError(`archive ends inside ${JSON.stringify(entry.path)}`);
      })();
      yield { entry, body };
      if (remaining > 0 && (await reader.skip(remaining)) < remaining) {
        throw new TarFormatError(`archive ends inside ${JSON.stringify(entry.path)}`);
      }
      remaining = 0;
      if ((await reader.skip(padding(entry.size))) < padding(entry.size)) {
        throw new TarFormatError(`archive ends inside ${JSON.stringify(entry.path)}`);
      }
    }
  } finally {
    await reader.close();
  }
}
