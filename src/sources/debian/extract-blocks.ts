// Takes wanted emulators out of a verified .deb whose data.tar.xz has many xz blocks without
// decoding the blocks in between: several decoders (system `xz -T1` processes, or the bundled
// WebAssembly decoder in worker threads) each start at a block chosen by block-search.ts, find
// the first tar header there and read on only while it can hold a wanted path. A member found
// this way is kept only when its MD5 is the one the package's md5sums lists for that path; any
// doubt (no md5sums, unsorted archive, a mismatch, a wanted path that is a link) returns null
// and the caller extracts from the start as before. Errors about the emulator itself (not a
// static ELF, cache not writable) are the same either way and are thrown.
import type { HostCpu } from "../../catalog/host.js";
import type { DebLayout } from "../archive/deb.js";
import {
  DecompressionError,
  findExecutable,
  type DecompressOptions,
} from "../archive/decompress.js";
import type { FileByteSource } from "../archive/byte-source.js";
import { readXzLayout, XzIndexError, type XzLayout } from "../archive/xz-index.js";
import { loadXzWasmModule } from "../archive/xz-wasm-module.js";
import { XzWasmPool } from "../archive/xz-wasm-pool.js";
import type { BlobCache, CachedBlob } from "../cache.js";
import {
  controlTar,
  decoderCount,
  systemDecoder,
  workerDecoder,
  type DecoderInput,
} from "./block-decoders.js";
import { searchWithDecoders, type BlockSearchContext } from "./block-runs.js";
import { SearchState } from "./block-search.js";
import type { WantedMember } from "./extract.js";
import { readMd5sums } from "./md5sums.js";

// Why: the stats say why the quick path was not taken.
/** Why blocks were not used (the caller reads from the start), for the stats. */
export interface BlocksNotUsed {
  readonly notUsed: string;
}

// Why: the stats show how much of the package the quick path read.
/** What a block-mode extraction did, for the stats. */
export interface BlockExtraction {
  readonly blobs: ReadonlyMap<string, CachedBlob>;
  readonly decoder: string;
  /** Decoders started (each from the start of one block). */
  readonly runs: number;
  readonly compressedBytesRead: number;
  readonly tarBytesRead: number;
}

// Why: reading only the blocks that hold the emulators is what makes a large .deb quick.
/**
 * Extracts `wanted` by jumping between xz blocks; null when the package does not allow it (not
 * xz, one block, no md5sums listing every wanted path) or the search gave up.
 */
export async function extractByBlocks(
  debPath: string,
  file: FileByteSource,
  layout: DebLayout,
  wanted: readonly WantedMember[],
  cache: BlobCache,
  options: {
    readonly host: HostCpu;
    readonly where: string;
    readonly decompress?: DecompressOptions;
    readonly onRead?: (bytes: number) => void;
  },
): Promise<BlockExtraction | BlocksNotUsed> {
  if (layout.compression !== "xz") return { notUsed: `${layout.data.name} is not xz` };
  if (layout.control === null) return { notUsed: "no readable control member" };
  if (wanted.length === 0) return { notUsed: "nothing wanted" };
  const control = layout.control;
  let xz: XzLayout;
  try {
    xz = await readXzLayout(file, layout.data.offset, layout.data.size);
  } catch (error) {
    if (error instanceof XzIndexError) return { notUsed: `xz index: ${error.message}` };
    throw error;
  }
  if (xz.blocks.length < 2) return { notUsed: "one xz block" };
  const tool =
    options.decompress?.useSystemTools === false
      ? null
      : findExecutable("xz", options.decompress?.env);
  let pool: XzWasmPool | null = null;
  if (tool === null) {
    try {
      pool = new XzWasmPool(await loadXzWasmModule(), decoderCount());
    } catch (error) {
      if (error instanceof DecompressionError) return { notUsed: error.message };
      throw error;
    }
  }
  try {
    const md5sums = await readMd5sums(controlTar(debPath, control, pool, options.decompress));
    const byPath = new Map<string, { emulator: string; md5: string }>();
    for (const w of wanted) {
      const md5 = md5sums?.get(w.member);
      if (md5 === undefined)
        return { notUsed: md5sums === null ? "no md5sums" : `md5sums does not list ${w.member}` };
      byPath.set(w.member, { emulator: w.emulator, md5 });
    }
    let compressedBytes = 0;
    const input: DecoderInput = {
      debPath,
      layout: xz,
      onCompressed: (bytes) => {
        compressedBytes += bytes;
        options.onRead?.(bytes);
      },
    };
    const context: BlockSearchContext = {
      search: new SearchState(
        xz.blocks.map((block) => block.uncompressedOffset),
        byPath.keys(),
      ),
      found: new Map(),
      byPath,
      cache,
      host: options.host,
      where: options.where,
      decode:
        pool === null ? systemDecoder(input, options.decompress ?? {}) : workerDecoder(input, pool),
      tarBytes: 0,
    };
    const runs = await searchWithDecoders(context, decoderCount());
    if (typeof runs === "string") return { notUsed: `gave up: ${runs}` };
    return {
      blobs: context.found,
      decoder: tool ?? "xz-decompress (WebAssembly)",
      runs,
      compressedBytesRead: compressedBytes,
      tarBytesRead: context.tarBytes,
    };
  } finally {
    await pool?.close();
  }
}
