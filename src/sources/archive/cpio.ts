// A streaming reader for cpio "newc" archives (the payload format of RPM packages): yields each
// entry with a body the caller may read or ignore; unread bodies are skipped without being
// stored, and breaking out of the loop stops the underlying stream. Bounds-checked: malformed
// input throws CpioFormatError, never anything else.
import { ChunkReader } from "./chunk-reader.js";

/** What kind of entry it is (from the mode's file type bits). */
export type CpioEntryType = "file" | "directory" | "symlink" | "other";

/** One entry's metadata. */
export interface CpioEntry {
  /** The name as stored (RPM writes "./usr/bin/..."). */
  readonly path: string;
  readonly type: CpioEntryType;
  readonly mode: number;
  readonly size: number;
  readonly nlink: number;
  readonly ino: number;
}

/** An entry and its content; `body` must be read before the next entry, or it is skipped. */
export interface CpioItem {
  readonly entry: CpioEntry;
  readonly body: AsyncIterable<Uint8Array>;
}

/** The stream is not a well-formed newc archive. */
export class CpioFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CpioFormatError";
  }
}

const HEADER_SIZE = 110;
const TRAILER = "TRAILER!!!";
/** PATH_MAX: no real package has longer names. */
const MAX_NAME = 4096;

function padding(length: number): number {
  return (4 - (length % 4)) % 4;
}

function entryType(mode: number): CpioEntryType {
  switch (mode & 0o170000) {
    case 0o100000:
      return "file";
    case 0o040000:
      return "directory";
    case 0o120000:
      return "symlink";
    default:
      return "other";
  }
}

function parseHeader(bytes: Uint8Array, at: number): { fields: number[] } {
  const text = Buffer.from(bytes).toString("latin1");
  const magic = text.slice(0, 6);
  if (magic !== "070701" && magic !== "070702") {
    const hint = magic === "07070X" ? " (rpm's stripped format for files over 4 GB)" : "";
    throw new CpioFormatError(
      `no newc header magic at byte ${at}: found ${JSON.stringify(magic)}${hint}`,
    );
  }
  const fields: number[] = [];
  for (let i = 0; i < 13; i++) {
    const hex = text.slice(6 + i * 8, 14 + i * 8);
    if (!/^[0-9A-Fa-f]{8}$/.test(hex))
      throw new CpioFormatError(`header field ${i} at byte ${at} is not hexadecimal`);
    fields.push(Number.parseInt(hex, 16));
  }
  return { fields };
}

async function readExact(reader: ChunkReader, length: number, what: string): Promise<Uint8Array> {
  const bytes = await reader.read(length);
  if (bytes.length < length) throw new CpioFormatError(`archive ends inside ${what}`);
  return bytes;
}

/**
 * Reads newc entries from a stream of chunks until the TRAILER!!! entry. An archive that ends
 * without a trailer is truncated: that throws. Breaking out of the loop closes the stream.
 */
export async function* readCpio(
  input: AsyncIterable<Uint8Array> | ChunkReader,
): AsyncGenerator<CpioItem> {
  const reader =
    input instanceof ChunkReader ? input : new ChunkReader(input[Symbol.asyncIterator]());
  try {
    for (;;) {
      const at = reader.consumed;
      const header = await reader.read(HEADER_SIZE);
      if (header.length === 0) throw new CpioFormatError("archive ends without a TRAILER!!! entry");
      if (header.length < HEADER_SIZE)
        throw new CpioFormatError(`archive ends inside a header at byte ${at}`);
      const { fields } = parseHeader(header, at);
      const [ino, mode, , , nlink, , size, , , , , nameSize] = fields as [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      if (nameSize < 1 || nameSize > MAX_NAME)
        throw new CpioFormatError(`entry at byte ${at} has a name of ${nameSize} bytes`);
      const nameBytes = await readExact(
        reader,
        nameSize + padding(HEADER_SIZE + nameSize),
        "a file name",
      );
      if (nameBytes[nameSize - 1] !== 0)
        throw new CpioFormatError(`entry at byte ${at}: name is not NUL-terminated`);
      const path = Buffer.from(nameBytes.subarray(0, nameSize - 1)).toString("utf8");
      if (path.includes("\0")) throw new CpioFormatError(`entry at byte ${at}: name contains NUL`);
      if (path === TRAILER) return;
      const entry: CpioEntry = { path, type: entryType(mode), mode, size, nlink, ino };
      let remaining = size;
      const body = (async function* () {
        for await (const chunk of reader.chunks(remaining)) {
          remaining -= chunk.length;
          yield chunk;
        }
        if (remaining > 0) throw new CpioFormatError(`archive ends inside ${JSON.stringify(path)}`);
      })();
      yield { entry, body };
      if (remaining > 0 && (await reader.skip(remaining)) < remaining)
        throw new CpioFormatError(`archive ends inside ${JSON.stringify(path)}`);
      remaining = 0;
      if ((await reader.skip(padding(size))) < padding(size))
        throw new CpioFormatError(`archive ends inside ${JSON.stringify(path)}`);
    }
  } finally {
    await reader.close();
  }
}
