// Takes the wanted emulators out of a verified .deb in one streaming pass: ar member ->
// decompressor -> tar, writing only the wanted members into the cache and stopping as soon as
// the last one is out (aarch64 is the 4th of 183 entries in bookworm's 388 MB tar). A wanted name
// that is a link, or a program that is not a static executable for this host, is refused.
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import type { HostCpu } from "../../catalog/host.js";
import { SourceError } from "../../errors.js";
import { storeEmulatorBlob } from "../store-emulator.js";
import { ArFormatError } from "../archive/ar.js";
import { openFileSource } from "../archive/byte-source.js";
import { ChunkReader } from "../archive/chunk-reader.js";
import { readDebLayout } from "../archive/deb.js";
import { decoderFor, decompress, DecompressionError, type DecompressOptions } from "../archive/decompress.js";
import { readTar, TarFormatError } from "../archive/tar.js";
import type { BlobCache, CachedBlob } from "../cache.js";

/** One emulator to take out of the package, and its path inside it (no leading ./). */
export interface WantedMember {
  readonly emulator: string;
  readonly member: string;
}

/** How much of the package was read, to show that extraction stops early. */
export interface ExtractionStats {
  readonly decoder: string;
  /** Size of the compressed data.tar member. */
  readonly dataMemberBytes: number;
  /** Compressed bytes read from the package file (includes read-ahead). */
  readonly compressedBytesRead: number;
  /** Uncompressed tar bytes consumed. */
  readonly tarBytesRead: number;
}

/** The emulators extracted (emulator name -> cache blob) and the stats. */
export interface ExtractionResult {
  readonly blobs: ReadonlyMap<string, CachedBlob>;
  readonly stats: ExtractionStats;
}

/** Splits a tar path into clean parts; null when it climbs out with `..` or is absolute. */
function normalisePath(path: string): string | null {
  if (path.startsWith("/")) return null;
  const parts = path.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.includes("..")) return null;
  return parts.join("/");
}

async function* counted(stream: AsyncIterable<Uint8Array>, onBytes: (n: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of stream) {
    onBytes(chunk.length);
    yield chunk;
  }
}

/**
 * Extracts `wanted` from the package at `debPath` (already verified against its SHA-256) into
 * the cache. `where` names the package in messages. Nothing is left behind on failure except
 * complete, checked blobs.
 */
export async function extractEmulators(
  debPath: string,
  wanted: readonly WantedMember[],
  cache: BlobCache,
  options: { readonly host: HostCpu; readonly where: string; readonly decompress?: DecompressOptions },
): Promise<ExtractionResult> {
  const { where, host } = options;
  const byMember = new Map(wanted.map((w) => [w.member, w.emulator]));
  const blobs = new Map<string, CachedBlob>();
  let compressedBytesRead = 0;
  const file = await openFileSource(debPath);
  let layout;
  try {
    layout = await readDebLayout(file);
  } catch (error) {
    if (error instanceof ArFormatError) throw new SourceError(`${where} is not a valid Debian package: ${error.message}`, { cause: error });
    throw error;
  } finally {
    await file.close();
  }
  const { data, compression } = layout;
  const raw = data.size === 0 ? Readable.from([]) : createReadStream(debPath, { start: data.offset, end: data.offset + data.size - 1, highWaterMark: 1024 * 1024 });
  const input = Readable.from(counted(raw, (n) => (compressedBytesRead += n)), { objectMode: false });
  const reader = new ChunkReader(decompress(input, compression, options.decompress)[Symbol.asyncIterator]());
  try {
    for await (const { entry, body } of readTar(reader)) {
      if (blobs.size === byMember.size) break;
      const path = normalisePath(entry.path);
      if (path === null) throw new SourceError(`${where} contains an unsafe path ${JSON.stringify(entry.path)}; refusing the package`);
      const emulator = byMember.get(path);
      if (emulator === undefined) continue;
      if (entry.type !== "file") {
        const link = entry.type === "symlink" || entry.type === "hardlink" ? ` -> ${entry.linkTarget}` : "";
        throw new SourceError(`${where}: /${path} is a ${entry.type}${link}, not a regular file; qus does not follow links`, {
          hint: "this package only links to the emulators in another package (trixie's qemu-user-static links into qemu-user)",
        });
      }
      if (blobs.has(emulator)) throw new SourceError(`${where}: /${path} appears twice in the package; refusing it`);
      blobs.set(emulator, await storeEmulatorBlob(cache, body, `Emulator /${path} from ${where}`, host));
      if (blobs.size === byMember.size) break;
    }
  } catch (error) {
    if (error instanceof TarFormatError || error instanceof DecompressionError) {
      throw new SourceError(`${where}: cannot read ${data.name}: ${error.message}`, { cause: error });
    }
    throw error;
  } finally {
    await reader.close();
  }
  const missing = wanted.filter((w) => !blobs.has(w.emulator));
  if (missing.length > 0) {
    throw new SourceError(`${where} has no ${missing.map((w) => `/${w.member}`).join(", ")}`, {
      hint: "this package version does not provide these targets; choose other targets or another suite",
    });
  }
  return {
    blobs,
    stats: { decoder: decoderFor(compression, options.decompress), dataMemberBytes: data.size, compressedBytesRead, tarBytesRead: reader.consumed },
  };
}
