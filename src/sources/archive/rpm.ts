// Reads the structure of an RPM (v4) package: the 96-byte lead, the signature header, the main
// header and where the payload starts, with every count, offset and string checked against the
// bounds of the file, so a hostile package can make qus refuse it but never read out of range.
// It reads only the headers (a few hundred KB at most); the payload is left to the caller.
import type { ByteSource } from "./byte-source.js";
import { RpmFormatError, RpmHeader, type RpmIndexEntry, RpmTag, RpmType } from "./rpm-header.js";

/** The lead's fields that still mean something. */
export interface RpmLead {
  readonly major: number;
  readonly minor: number;
  /** 0 binary, 1 source. */
  readonly type: number;
  readonly signatureType: number;
  readonly name: string;
}

/** Where each part of the package is. */
export interface RpmLayout {
  readonly lead: RpmLead;
  readonly signature: RpmHeader;
  readonly header: RpmHeader;
  /** Offset of the compressed payload; it runs to the end of the file. */
  readonly payloadOffset: number;
  readonly payloadSize: number;
}

const LEAD_SIZE = 96;
const LEAD_MAGIC = [0xed, 0xab, 0xee, 0xdb];
const HEADER_MAGIC = [0x8e, 0xad, 0xe8, 0x01];
const INTRO_SIZE = 16;
const ENTRY_SIZE = 16;
/** rpm's own limits (hdrchkTags, hdrchkData): no real header comes near them. */
const MAX_ENTRIES = 0xffff;
const MAX_DATA = 0x0fffffff;
/** Bytes per element of the fixed-size types, and their alignment. */
const FIXED_SIZE: Readonly<Record<number, number>> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1 };

async function readExactly(
  source: ByteSource,
  position: number,
  length: number,
  what: string,
): Promise<Uint8Array> {
  if (position + length > source.size)
    throw new RpmFormatError(
      `the file ends inside ${what} (needs ${position + length} bytes, has ${source.size})`,
    );
  const bytes = await source.read(position, length);
  if (bytes.length < length) throw new RpmFormatError(`the file ends inside ${what}`);
  return bytes;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

/** Parses the 96-byte lead. */
export function parseLead(bytes: Uint8Array): RpmLead {
  if (bytes.length < LEAD_SIZE || !startsWith(bytes, LEAD_MAGIC))
    throw new RpmFormatError("not an RPM package (no lead magic ed ab ee db)");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nameBytes = bytes.subarray(10, 76);
  const nul = nameBytes.indexOf(0);
  return {
    major: bytes[4] as number,
    minor: bytes[5] as number,
    type: view.getUint16(6),
    name: Buffer.from(nul < 0 ? nameBytes : nameBytes.subarray(0, nul)).toString("latin1"),
    signatureType: view.getUint16(78),
  };
}

function checkEntry(entry: RpmIndexEntry, dataSize: number, store: Uint8Array, what: string): void {
  const where = `${what} tag ${entry.tag}`;
  if (entry.type > RpmType.I18NSTRING)
    throw new RpmFormatError(`${where} has unknown type ${entry.type}`);
  if (entry.type === RpmType.NULL) return;
  if (entry.offset >= dataSize)
    throw new RpmFormatError(
      `${where} points past the header data (${entry.offset} >= ${dataSize})`,
    );
  const fixed = FIXED_SIZE[entry.type];
  if (fixed !== undefined) {
    if (entry.count < 1 || entry.count > dataSize)
      throw new RpmFormatError(`${where} has an invalid count ${entry.count}`);
    if (entry.offset % fixed !== 0) throw new RpmFormatError(`${where} is not aligned`);
    if (entry.offset + entry.count * fixed > dataSize)
      throw new RpmFormatError(`${where} runs past the header data`);
    return;
  }
  const count = entry.type === RpmType.STRING ? 1 : entry.count;
  if (count < 1 || count > dataSize)
    throw new RpmFormatError(`${where} has an invalid count ${entry.count}`);
  let position = entry.offset;
  for (let i = 0; i < count; i++) {
    const end = store.indexOf(0, position);
    if (end < 0) throw new RpmFormatError(`${where} has a string that runs past the header data`);
    position = end + 1;
  }
}

/** Reads the header structure whose magic is at `start`. */
export async function readHeaderAt(
  source: ByteSource,
  start: number,
  what: string,
): Promise<RpmHeader> {
  const intro = await readExactly(source, start, INTRO_SIZE, `the ${what}`);
  if (!startsWith(intro, HEADER_MAGIC))
    throw new RpmFormatError(`no ${what} magic (8e ad e8 01) at byte ${start}`);
  const view = new DataView(intro.buffer, intro.byteOffset, intro.byteLength);
  const count = view.getUint32(8);
  const dataSize = view.getUint32(12);
  if (count < 1 || count > MAX_ENTRIES)
    throw new RpmFormatError(`the ${what} has ${count} entries`);
  if (dataSize > MAX_DATA) throw new RpmFormatError(`the ${what} claims ${dataSize} bytes of data`);
  const length = INTRO_SIZE + count * ENTRY_SIZE + dataSize;
  const bytes = Uint8Array.from(await readExactly(source, start, length, `the ${what}`));
  const index = new DataView(bytes.buffer, INTRO_SIZE, count * ENTRY_SIZE);
  const store = bytes.subarray(INTRO_SIZE + count * ENTRY_SIZE);
  const entries = new Map<number, RpmIndexEntry>();
  for (let i = 0; i < count; i++) {
    const base = i * ENTRY_SIZE;
    const entry: RpmIndexEntry = {
      tag: index.getUint32(base),
      type: index.getUint32(base + 4),
      offset: index.getUint32(base + 8),
      count: index.getUint32(base + 12),
    };
    checkEntry(entry, dataSize, store, what);
    if (entries.has(entry.tag))
      throw new RpmFormatError(`the ${what} holds tag ${entry.tag} twice`);
    entries.set(entry.tag, entry);
  }
  return new RpmHeader(start, bytes, entries, store);
}

/**
 * Reads lead, signature header and main header. Throws RpmFormatError for anything malformed,
 * including formats qus does not handle (RPM v3 and v6 packages, source packages).
 */
export async function readRpmLayout(source: ByteSource): Promise<RpmLayout> {
  const lead = parseLead(await readExactly(source, 0, LEAD_SIZE, "the lead"));
  if (lead.major !== 3) {
    const version =
      lead.major === 4 ? "an RPM v6 package" : `lead version ${lead.major}.${lead.minor}`;
    throw new RpmFormatError(`${version}: qus reads RPM v4 packages (lead version 3.0) only`);
  }
  if (lead.type !== 0) throw new RpmFormatError("a source package, not a binary package");
  if (lead.signatureType !== 5)
    throw new RpmFormatError(`signature type ${lead.signatureType} (RPM v4 uses 5)`);
  const signature = await readHeaderAt(source, LEAD_SIZE, "signature header");
  const headerStart = signature.end + ((8 - (signature.end % 8)) % 8);
  const header = await readHeaderAt(source, headerStart, "main header");
  const format = header.has(RpmTag.RPMFORMAT) ? header.number(RpmTag.RPMFORMAT) : undefined;
  if (format !== undefined && format !== 4)
    throw new RpmFormatError(`an RPM v${format} package: qus reads RPM v4 packages only`);
  return {
    lead,
    signature,
    header,
    payloadOffset: header.end,
    payloadSize: source.size - header.end,
  };
}
