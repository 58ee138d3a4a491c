// Takes the wanted emulators out of a verified .deb. When its data.tar.xz has many xz blocks
// and md5sums lists the wanted files, extract-blocks.ts jumps to the blocks that hold them;
// otherwise (or when that search gives up) one streaming pass: ar member -> decompressor -> tar,
// writing only the wanted members into the cache and stopping as soon as the last one is out
// (aarch64 is the 4th of 183 entries in bookworm's 388 MB tar). A wanted name that is a link, or
// a program that is not a static executable for this host, is refused.
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import type { HostCpu } from "../../catalog/host.js";
import { SourceError } from "../../errors.js";
import { refuseMissingMembers, storeEmulatorBlob } from "../store-emulator.js";
import { ArFormatError } from "../archive/ar.js";
import { openFileSource } from "../archive/byte-source.js";
import { ChunkReader } from "../archive/chunk-reader.js";
import { readDebLayout } from "../archive/deb.js";
import {
  decoderFor,
  decompress,
  DecompressionError,
  type DecompressOptions,
} from "../archive/decompress.js";
import { readTar, TarFormatError } from "../archive/tar.js";
import type { BlobCache, CachedBlob } from "../cache.js";
import { countedChunks } from "../phases.js";
import { extractByBlocks } from "./extract-blocks.js";

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
  /** Uncompressed tar bytes consumed (by all decoders together). */
  readonly tarBytesRead: number;
  /** Decoders started at xz blocks (extract-blocks.ts); 0 when the data was read from its start. */
  readonly blockRuns: number;
  /** When blockRuns is 0: why the blocks were not used. */
  readonly blocksNotUsed?: string;
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

/**
 * Extracts `wanted` from the package at `debPath` (already verified against its SHA-256) into
 * the cache. `where` names the package in messages. Nothing is left behind on failure except
 * complete, checked blobs.
 */
export async function extractEmulators(
  debPath: string,
  wanted: readonly WantedMember[],
  cache: BlobCache,
  options: {
    readonly host: HostCpu;
    readonly where: string;
    readonly decompress?: DecompressOptions;
    /** false: always decode data.tar from its start (tests and benchmarks compare the two ways). */
    readonly byBlocks?: boolean;
    /** Hears each count of compressed bytes read (progress; the data member's size is the whole). */
    readonly onRead?: (bytes: number) => void;
  },
): Promise<ExtractionResult> {
  const { where, host } = options;
  const byMember = new Map(wanted.map((w) => [w.member, w.emulator]));
  const blobs = new Map<string, CachedBlob>();
  let compressedBytesRead = 0;
  const file = await openFileSource(debPath);
  let layout;
  let byBlocks;
  try {
    layout = await readDebLayout(file);
    byBlocks =
      options.byBlocks === false
        ? { notUsed: "turned off" }
        : await extractByBlocks(debPath, file, layout, wanted, cache, options);
  } catch (error) {
    if (error instanceof ArFormatError)
      throw new SourceError(`${where} is not a valid Debian package: ${error.message}`, {
        cause: error,
      });
    throw error;
  } finally {
    await file.close();
  }
  const { data, compression } = layout;
  if (!("notUsed" in byBlocks)) {
    const { blobs: found, decoder, runs, tarBytesRead } = byBlocks;
    return {
      blobs: found,
      stats: {
        decoder,
        dataMemberBytes: data.size,
        compressedBytesRead: byBlocks.compressedBytesRead,
        tarBytesRead,
        blockRuns: runs,
      },
    };
  }
  const raw =
    data.size === 0
      ? Readable.from([])
      : createReadStream(debPath, {
          start: data.offset,
          end: data.offset + data.size - 1,
          highWaterMark: 1024 * 1024,
        });
  const input = Readable.from(
    countedChunks(raw, (n) => {
      compressedBytesRead += n;
      options.onRead?.(n);
    }),
    { objectMode: false },
  );
  const reader = new ChunkReader(
    decompress(input, compression, options.decompress)[Symbol.asyncIterator](),
  );
  try {
    for await (const { entry, body } of readTar(reader)) {
      if (blobs.size === byMember.size) break;
      const path = normalisePath(entry.path);
      if (path === null)
        throw new SourceError(
          `${where} contains an unsafe path ${JSON.stringify(entry.path)}; refusing the package`,
        );
      const emulator = byMember.get(path);
      if (emulator === undefined) continue;
      if (entry.type !== "file") {
        const link =
          entry.type === "symlink" || entry.type === "hardlink" ? ` -> ${entry.linkTarget}` : "";
        throw new SourceError(
          `${where}: /${path} is a ${entry.type}${link}, not a regular file; qus does not follow links`,
          {
            hint: "this package only links to the emulators in another package (trixie's qemu-user-static links into qemu-user)",
          },
        );
      }
      if (blobs.has(emulator))
        throw new SourceError(`${where}: /${path} appears twice in the package; refusing it`);
      blobs.set(
        emulator,
        await storeEmulatorBlob(cache, body, `Emulator /${path} from ${where}`, host),
      );
      if (blobs.size === byMember.size) break;
    }
  } catch (error) {
    if (error instanceof TarFormatError || error instanceof DecompressionError) {
      throw new SourceError(`${where}: cannot read ${data.name}: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  } finally {
    await reader.close();
  }
  refuseMissingMembers(wanted, blobs, where, "another suite");
  return {
    blobs,
    stats: {
      decoder: decoderFor(compression, options.decompress),
      dataMemberBytes: data.size,
      compressedBytesRead,
      tarBytesRead: reader.consumed,
      blockRuns: 0,
      blocksNotUsed: byBlocks.notUsed,
    },
  };
}
