// The MD5 of each file a .deb installs, from `md5sums` in its control member (what `dpkg
// --verify` checks). qus uses it to confirm that bytes found by jumping into the middle of
// data.tar (see extract-blocks.ts) are exactly the named file's: the package itself is already
// verified by SHA-256, so the MD5s only tell a right guess from a wrong one.
import { ChunkReader } from "../archive/chunk-reader.js";
import { readTar } from "../archive/tar.js";

/** A real md5sums lists a few thousand files at most. */
const MAX_MD5SUMS_BYTES = 8 * 1024 * 1024;

/** Parses md5sums text ("<32 hex>  <path>" per line, paths without a leading /); bad lines are skipped. */
export function parseMd5sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^([0-9a-fA-F]{32}) [ *]?(.+)$/.exec(line);
    if (match === null) continue;
    sums.set((match[2] as string).replace(/^\.?\/+/, ""), (match[1] as string).toLowerCase());
  }
  return sums;
}

/**
 * Finds md5sums in a package's control.tar, given as its decompressed bytes; null when it has
 * none or cannot be read (callers then do without). Stops reading once md5sums is found.
 */
export async function readMd5sums(
  controlTar: AsyncIterable<Uint8Array>,
): Promise<Map<string, string> | null> {
  const reader = new ChunkReader(controlTar[Symbol.asyncIterator]());
  try {
    for await (const { entry, body } of readTar(reader)) {
      if (entry.path.replace(/^\.?\/+/, "") !== "md5sums") continue;
      if (entry.type !== "file" || entry.size > MAX_MD5SUMS_BYTES) return null;
      const chunks: Uint8Array[] = [];
      for await (const chunk of body) chunks.push(Uint8Array.from(chunk));
      return parseMd5sums(Buffer.concat(chunks).toString("utf8"));
    }
    return null;
  } catch {
    return null; // a control member qus cannot read only costs the faster path
  } finally {
    await reader.close();
  }
}
