// Takes the wanted emulators out of a verified .rpm in one streaming pass: payload ->
// decompressor -> cpio, writing only the wanted `usr/bin/qemu-<t>-static` members into the cache.
// A Fedora subpackage holds a few files, so the whole archive is read: a member whose path climbs
// out of the package (absolute, or with `..`) anywhere in it makes the package suspect, and it is
// refused with nothing kept from it. A wanted name that is a link, or a program that is not a
// static executable for this host, is refused too.
import { rm } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import type { HostCpu } from "../../catalog/host.js";
import { SourceError } from "../../errors.js";
import { refuseMissingMembers, storeEmulatorBlob } from "../store-emulator.js";
import { ChunkReader } from "../archive/chunk-reader.js";
import { CpioFormatError, readCpio } from "../archive/cpio.js";
import { decompress, DecompressionError, type DecompressOptions } from "../archive/decompress.js";
import type { BlobCache, CachedBlob } from "../cache.js";
import { countedChunks } from "../phases.js";
import type { VerifiedPackage } from "./verify-package.js";

/** One emulator to take out of the package, and its path inside it (no leading ./). */
export interface WantedEmulator {
  readonly emulator: string;
  readonly member: string;
}

/** The member path without "./", or null when it is absolute or climbs with "..". */
export function normaliseMemberPath(path: string): string | null {
  if (path.startsWith("/")) return null;
  const parts = path.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.includes("..")) return null;
  return parts.join("/");
}

/**
 * Extracts `wanted` from the verified package at `path` into the cache. `where` names the package
 * in messages. Nothing is left behind on failure except complete, checked blobs.
 */
export async function extractFromRpm(
  path: string,
  verified: VerifiedPackage,
  wanted: readonly WantedEmulator[],
  cache: BlobCache,
  options: {
    readonly host: HostCpu;
    readonly where: string;
    readonly decompress?: DecompressOptions;
    /** Hears each count of compressed payload bytes read, for the progress display. */
    readonly onRead?: (bytes: number) => void;
  },
): Promise<Map<string, CachedBlob>> {
  const { where, host } = options;
  const byMember = new Map(wanted.map((w) => [w.member, w.emulator]));
  const blobs = new Map<string, CachedBlob>();
  const file = createReadStream(path, {
    start: verified.payloadOffset,
    highWaterMark: 1024 * 1024,
  });
  const onRead = options.onRead;
  const raw =
    onRead === undefined ? file : Readable.from(countedChunks(file, onRead), { objectMode: false });
  const reader = new ChunkReader(
    decompress(raw, verified.compression, options.decompress)[Symbol.asyncIterator](),
  );
  try {
    for await (const { entry, body } of readCpio(reader)) {
      const member = normaliseMemberPath(entry.path);
      if (member === null)
        throw new SourceError(
          `${where} contains a file outside the package's tree, ${JSON.stringify(entry.path)}; refusing the package`,
        );
      const emulator = byMember.get(member);
      if (emulator === undefined) continue;
      if (entry.type !== "file") {
        throw new SourceError(
          `${where}: /${member} is a ${entry.type}, not a regular file; qus does not follow links`,
        );
      }
      if (blobs.has(emulator))
        throw new SourceError(`${where}: /${member} appears twice in the package; refusing it`);
      // A hard-linked file's data comes with its last link; an empty earlier link is not the program.
      if (entry.size === 0 && entry.nlink > 1) continue;
      blobs.set(
        emulator,
        await storeEmulatorBlob(cache, body, `Emulator /${member} from ${where}`, host),
      );
    }
  } catch (error) {
    // Nothing from a refused package stays in the cache.
    await Promise.all([...blobs.values()].map((blob) => rm(blob.path, { force: true })));
    if (error instanceof CpioFormatError || error instanceof DecompressionError) {
      throw new SourceError(`${where}: cannot read its payload: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  } finally {
    await reader.close();
  }
  refuseMissingMembers(wanted, blobs, where, "another release");
  return blobs;
}
