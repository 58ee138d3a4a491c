// The block layout of an .xz file, read from its index at the end (stream footer -> index ->
// one record per block), and standalone xz streams made of some of its blocks. xz blocks are
// independent (each starts with a fresh dictionary), so a multi-block file (what `xz -T`,
// dpkg-deb and Debian's builds make: 24 MiB of tar per block) can be decoded from any block on,
// by any xz decoder, in parallel. Bounds- and CRC-checked: malformed input throws XzIndexError.
import type { ByteSource } from "./byte-source.js";
import { crc32 } from "./crc32.js";

/** One block: where its bytes are in the file and which bytes of the output it decodes to. */
export interface XzBlock {
  /** Offset of the block header from the start of the file. */
  readonly compressedOffset: number;
  /** Header + compressed data + padding + check, in the file. */
  readonly totalSize: number;
  /** As the index records it: header + compressed data + check. */
  readonly unpaddedSize: number;
  readonly uncompressedOffset: number;
  readonly uncompressedSize: number;
}

/** A single-stream .xz file's blocks. */
export interface XzLayout {
  /** The stream header as in the file (magic, flags, CRC32). */
  readonly streamHeader: Uint8Array;
  readonly blocks: readonly XzBlock[];
  readonly uncompressedSize: number;
}

/** The file is not a single well-formed xz stream whose index qus can use. */
export class XzIndexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "XzIndexError";
  }
}

const HEADER_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const FOOTER_MAGIC = [0x59, 0x5a];
const HEADER_BYTES = 12;
const FOOTER_BYTES = 12;
/** Debian's data.tar.xz has a few dozen blocks; an index far larger than this is not a package's. */
const MAX_INDEX_BYTES = 4 * 1024 * 1024;

function u32le(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at] as number) |
      ((bytes[at + 1] as number) << 8) |
      ((bytes[at + 2] as number) << 16) |
      ((bytes[at + 3] as number) << 24)) >>>
    0
  );
}

function putU32le(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value & 0xff;
  bytes[at + 1] = (value >>> 8) & 0xff;
  bytes[at + 2] = (value >>> 16) & 0xff;
  bytes[at + 3] = (value >>> 24) & 0xff;
}

/** Size of the check field for a check type (0 none, 1 CRC32, 4 CRC64, 10 SHA-256, others reserved). */
export function checkSize(checkType: number): number {
  return checkType === 0 ? 0 : 4 << Math.floor((checkType - 1) / 3);
}

/** Reads xz's variable-length integer at `at`; returns the value and the position after it. */
function readVarint(bytes: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    const byte = bytes[at + i];
    if (byte === undefined) throw new XzIndexError("index ends inside a number");
    if (i > 0 && byte === 0) throw new XzIndexError("index number is not minimally encoded");
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (!Number.isSafeInteger(value)) throw new XzIndexError("index number too large");
    if ((byte & 0x80) === 0) return { value, next: at + i + 1 };
  }
  throw new XzIndexError("index number longer than 9 bytes");
}

function writeVarint(out: number[], value: number): void {
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
}

function sameBytes(bytes: Uint8Array, at: number, expected: readonly number[]): boolean {
  return expected.every((byte, i) => bytes[at + i] === byte);
}

/** Checks a stream header and returns its check type. */
function parseStreamHeader(header: Uint8Array): number {
  if (header.length < HEADER_BYTES || !sameBytes(header, 0, HEADER_MAGIC))
    throw new XzIndexError("no xz stream header at the start");
  if (crc32(header.subarray(6, 8)) !== u32le(header, 8))
    throw new XzIndexError("stream header CRC32 mismatch");
  if (header[6] !== 0 || ((header[7] as number) & 0xf0) !== 0)
    throw new XzIndexError("unsupported stream flags");
  return (header[7] as number) & 0x0f;
}

/**
 * Reads the layout of the xz data in `source` at [offset, offset + size): exactly one stream,
 * optionally followed by stream padding. Throws XzIndexError for anything else (several
 * concatenated streams, a damaged index); callers then decode the file from its start.
 */
export async function readXzLayout(
  source: ByteSource,
  offset: number,
  size: number,
): Promise<XzLayout> {
  if (size < HEADER_BYTES + FOOTER_BYTES) throw new XzIndexError("too short for an xz stream");
  const streamHeader = Uint8Array.from(await source.read(offset, HEADER_BYTES));
  const checkType = parseStreamHeader(streamHeader);
  // Stream padding (zero bytes, a multiple of four) may follow the footer.
  let end = offset + size;
  for (;;) {
    if (end - offset < HEADER_BYTES + FOOTER_BYTES || (end - offset) % 4 !== 0)
      throw new XzIndexError("stream padding is malformed");
    const last = await source.read(end - 4, 4);
    if (last.some((byte) => byte !== 0)) break;
    end -= 4;
  }
  const footer = await source.read(end - FOOTER_BYTES, FOOTER_BYTES);
  if (footer.length < FOOTER_BYTES || !sameBytes(footer, 10, FOOTER_MAGIC))
    throw new XzIndexError("no xz stream footer at the end");
  if (crc32(footer.subarray(4, 10)) !== u32le(footer, 0))
    throw new XzIndexError("stream footer CRC32 mismatch");
  if (footer[8] !== streamHeader[6] || footer[9] !== streamHeader[7])
    throw new XzIndexError("stream header and footer flags differ");
  const indexSize = (u32le(footer, 4) + 1) * 4;
  const indexOffset = end - FOOTER_BYTES - indexSize;
  if (indexSize > MAX_INDEX_BYTES || indexOffset < offset + HEADER_BYTES)
    throw new XzIndexError("index size out of range");
  const index = await source.read(indexOffset, indexSize);
  if (index.length < indexSize || index[0] !== 0)
    throw new XzIndexError("no index where the footer points");
  if (crc32(index.subarray(0, indexSize - 4)) !== u32le(index, indexSize - 4))
    throw new XzIndexError("index CRC32 mismatch");
  const count = readVarint(index, 1);
  let at = count.next;
  const blocks: XzBlock[] = [];
  let compressedOffset = offset + HEADER_BYTES;
  let uncompressedOffset = 0;
  const check = checkSize(checkType);
  for (let i = 0; i < count.value; i++) {
    const unpadded = readVarint(index, at);
    const uncompressed = readVarint(index, unpadded.next);
    at = uncompressed.next;
    if (at > indexSize - 4) throw new XzIndexError("index records overrun the index");
    // A block header is at least 8 bytes; the compressed data at least 1.
    if (unpadded.value < 8 + 1 + check) throw new XzIndexError(`block ${i} is impossibly small`);
    const totalSize = Math.ceil(unpadded.value / 4) * 4;
    blocks.push({
      compressedOffset,
      totalSize,
      unpaddedSize: unpadded.value,
      uncompressedOffset,
      uncompressedSize: uncompressed.value,
    });
    compressedOffset += totalSize;
    uncompressedOffset += uncompressed.value;
    if (!Number.isSafeInteger(uncompressedOffset))
      throw new XzIndexError("uncompressed size too large");
  }
  if (index.subarray(at, indexSize - 4).some((byte) => byte !== 0) || indexSize - 4 - at > 3)
    throw new XzIndexError("index padding is malformed");
  if (compressedOffset !== indexOffset) {
    throw new XzIndexError(
      "the index does not describe the whole file (several streams, or a damaged index)",
    );
  }
  return { streamHeader, blocks, uncompressedSize: uncompressedOffset };
}

/** A standalone xz stream of blocks `from`..the last: `head`, then the file's bytes [start, end), then `tail`. */
export interface XzRun {
  readonly head: Uint8Array;
  readonly start: number;
  readonly end: number;
  readonly tail: Uint8Array;
  /** Where in the whole file's output the run's output begins. */
  readonly uncompressedOffset: number;
}

/** The stream that decodes to the output of blocks `from` to the end, with an index for exactly those blocks. */
export function xzRun(layout: XzLayout, from: number): XzRun {
  const blocks = layout.blocks.slice(from);
  const first = blocks[0];
  const last = blocks.at(-1);
  if (first === undefined || last === undefined)
    throw new RangeError(`no block ${from} in a stream of ${layout.blocks.length}`);
  const index: number[] = [0];
  writeVarint(index, blocks.length);
  for (const block of blocks) {
    writeVarint(index, block.unpaddedSize);
    writeVarint(index, block.uncompressedSize);
  }
  while (index.length % 4 !== 0) index.push(0);
  const tail = new Uint8Array(index.length + 4 + FOOTER_BYTES);
  tail.set(index, 0);
  putU32le(tail, index.length, crc32(Uint8Array.from(index)));
  const footer = tail.subarray(index.length + 4);
  putU32le(footer, 4, (index.length + 4) / 4 - 1);
  footer.set(layout.streamHeader.subarray(6, 8), 8);
  footer.set(FOOTER_MAGIC, 10);
  putU32le(footer, 0, crc32(footer.subarray(4, 10)));
  return {
    head: layout.streamHeader,
    start: first.compressedOffset,
    end: last.compressedOffset + last.totalSize,
    tail,
    uncompressedOffset: first.uncompressedOffset,
  };
}
