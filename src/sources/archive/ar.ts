// The `ar` container of a .deb: `!<arch>\n`, then members each behind a 60-byte header (name,
// mtime, uid, gid, mode, decimal size, "`\n") with data padded to an even offset. Only the
// headers are read here; callers stream a member's bytes from its offset. Every field and
// offset is bounds-checked: a malformed archive throws ArFormatError, never anything else.
import type { ByteSource } from "./byte-source.js";

/** One member: where its data starts in the archive and how long it is. */
export interface ArMember {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  readonly mode: number;
}

/** The archive is not a well-formed ar file. */
export class ArFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArFormatError";
  }
}

const MAGIC = "!<arch>\n";
const HEADER_BYTES = 60;
/** A .deb has three members; anything far beyond that is not a package. */
const MAX_MEMBERS = 64;

function field(header: Uint8Array, start: number, length: number): string {
  return Buffer.from(header.subarray(start, start + length))
    .toString("latin1")
    .trimEnd();
}

function decimalField(
  header: Uint8Array,
  start: number,
  length: number,
  what: string,
  at: number,
): number {
  const text = field(header, start, length);
  if (!/^\d+$/.test(text))
    throw new ArFormatError(
      `member header at byte ${at}: ${what} ${JSON.stringify(text)} is not a decimal number`,
    );
  return Number(text);
}

/** Lists an ar archive's members (at most 64), checking that each lies inside the archive. */
export async function listArMembers(source: ByteSource): Promise<ArMember[]> {
  const magic = Buffer.from(await source.read(0, MAGIC.length)).toString("latin1");
  if (magic !== MAGIC) throw new ArFormatError("not an ar archive (no !<arch> signature)");
  const members: ArMember[] = [];
  let position = MAGIC.length;
  while (position < source.size) {
    if (members.length === MAX_MEMBERS) throw new ArFormatError(`more than ${MAX_MEMBERS} members`);
    const header = await source.read(position, HEADER_BYTES);
    if (header.length < HEADER_BYTES)
      throw new ArFormatError(`truncated member header at byte ${position}`);
    if (header[58] !== 0x60 || header[59] !== 0x0a)
      throw new ArFormatError(`member header at byte ${position} has no "\`\\n" terminator`);
    const rawName = field(header, 0, 16);
    // GNU ar ends names with "/"; dpkg's own ar does not. Special GNU/BSD tables are not names.
    const name =
      rawName.endsWith("/") && rawName !== "/" && rawName !== "//" ? rawName.slice(0, -1) : rawName;
    if (name === "") throw new ArFormatError(`member header at byte ${position} has an empty name`);
    const modeText = field(header, 40, 8);
    const mode = /^[0-7]*$/.test(modeText) && modeText !== "" ? Number.parseInt(modeText, 8) : 0;
    const size = decimalField(header, 48, 10, "size", position);
    const offset = position + HEADER_BYTES;
    if (offset + size > source.size) {
      throw new ArFormatError(
        `member ${JSON.stringify(name)} claims ${size} bytes but the archive ends ${source.size - offset} bytes after its header`,
      );
    }
    members.push({ name, offset, size, mode });
    position = offset + size + (size % 2);
  }
  return members;
}
