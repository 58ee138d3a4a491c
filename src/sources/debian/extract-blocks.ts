// Takes wanted emulators out of a verified .deb whose data.tar.xz has many xz blocks without
// decoding the blocks in between: several decoders (system `xz -T1` processes, or the bundled
// WebAssembly decoder in worker threads) each start at a block chosen by block-search.ts, find
// the first tar header there and read on only while it can hold a wanted path. A member found
// this way is kept only when its MD5 is the one the package's md5sums lists for that path; any
// doubt (no md5sums, unsorted archive, a mismatch, a wanted path that is a link) returns null
// and the caller extracts from the start as before. Errors about the emulator itself (not a
// static ELF, cache not writable) are the same either way and are thrown.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { availableParallelism } from "node:os";
import { Readable } from "node:stream";
import type { HostCpu } from "../../catalog/host.js";
import { ChunkReader } from "../archive/chunk-reader.js";
import type { DebLayout } from "../archive/deb.js";
import {
  DecompressionError,
  decompress,
  findExecutable,
  type DecompressOptions,
} from "../archive/decompress.js";
import type { FileByteSource } from "../archive/byte-source.js";
import { isTarHeader, readTar, TarFormatError } from "../archive/tar.js";
import { readXzLayout, xzRun, XzIndexError, type XzLayout } from "../archive/xz-index.js";
import { loadXzWasmModule, XzWasmPool } from "../archive/xz-wasm-pool.js";
import type { BlobCache, CachedBlob } from "../cache.js";
import { storeEmulatorBlob } from "../store-emulator.js";
import { nextStep, SearchState, shouldReadOn, type RunPosition } from "./block-search.js";
import type { WantedMember } from "./extract.js";
import { readMd5sums } from "./md5sums.js";

/** Why blocks were not used (the caller reads from the start), for the stats. */
export interface BlocksNotUsed {
  readonly notUsed: string;
}

/** What a block-mode extraction did, for the stats. */
export interface BlockExtraction {
  readonly blobs: ReadonlyMap<string, CachedBlob>;
  readonly decoder: string;
  /** Decoders started (each from the start of one block). */
  readonly runs: number;
  readonly compressedBytesRead: number;
  readonly tarBytesRead: number;
}

/** The search cannot go on safely: extract from the start instead. */
class GiveUp extends Error {}

const BLOCK = 512;

function normalise(path: string): string {
  return path.replace(/^(\.?\/+)+/, "");
}

async function* md5Checked(
  body: AsyncIterable<Uint8Array>,
  expected: string,
  path: string,
): AsyncGenerator<Uint8Array> {
  const hash = createHash("md5");
  for await (const chunk of body) {
    hash.update(chunk);
    yield chunk;
  }
  if (hash.digest("hex") !== expected)
    throw new GiveUp(`${path} found mid-archive does not match md5sums`);
}

interface Context {
  readonly debPath: string;
  readonly search: SearchState;
  readonly layout: XzLayout;
  /** Emulator name -> its checked blob. */
  readonly found: Map<string, CachedBlob>;
  readonly byPath: ReadonlyMap<string, { readonly emulator: string; readonly md5: string }>;
  readonly cache: BlobCache;
  readonly host: HostCpu;
  readonly where: string;
  /** Decodes blocks `from`..the last; counts compressed bytes read into `compressedBytes`. */
  readonly decode: (from: number, signal: AbortSignal) => AsyncIterable<Uint8Array>;
  /** Hears each count of compressed bytes read, for the progress display. */
  readonly onRead?: (bytes: number) => void;
  compressedBytes: number;
  tarBytes: number;
}

function countCompressed(context: Context, bytes: number): void {
  context.compressedBytes += bytes;
  context.onRead?.(bytes);
}

/** The xz stream of blocks `from`..the last as bytes, for a decoder that reads a pipe. */
async function* runInput(context: Context, from: number): AsyncGenerator<Uint8Array> {
  const run = xzRun(context.layout, from);
  yield run.head;
  for await (const chunk of createReadStream(context.debPath, {
    start: run.start,
    end: run.end - 1,
    highWaterMark: 1024 * 1024,
  })) {
    countCompressed(context, (chunk as Buffer).length);
    yield chunk as Buffer;
  }
  yield run.tail;
}

/** Decodes with system `xz -T1` processes (one per run; the dictionary is all their memory). */
function systemDecoder(context: () => Context, options: DecompressOptions): Context["decode"] {
  return (from, signal) =>
    decompress(Readable.from(runInput(context(), from), { objectMode: false }), "xz", {
      ...options,
      threads: 1,
      signal,
    });
}

/** Decodes with the bundled decoder in worker threads, which read the file themselves. */
function workerDecoder(context: () => Context, pool: XzWasmPool): Context["decode"] {
  return (from, signal) => {
    const run = xzRun(context().layout, from);
    let counted = 0;
    return pool.decode({ path: context().debPath, ...run }, signal, (read) => {
      countCompressed(context(), read - counted);
      counted = read;
    });
  };
}

async function* countedOutput(
  context: Context,
  decoded: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of decoded) {
    context.tarBytes += chunk.length;
    yield chunk;
  }
}

/** One decoder: from the start of block `run.block`, to the first header, then entry by entry while useful. */
async function runDecoder(
  context: Context,
  run: RunPosition & { readonly stop: AbortController },
  schedule: () => void,
): Promise<void> {
  const { search } = context;
  const from = run.block;
  const base = search.starts[from] as number;
  const reader = new ChunkReader(
    countedOutput(context, context.decode(from, run.stop.signal))[Symbol.asyncIterator](),
  );
  try {
    await reader.skip((BLOCK - (base % BLOCK)) % BLOCK);
    // Find the first header: in this block, or later when a member covers all of it.
    let header: Uint8Array | null = null;
    while (header === null) {
      const block = await reader.read(BLOCK);
      if (block.length < BLOCK) return search.sawAllBefore(from, from - 1, search.starts.length); // no header left
      if (isTarHeader(block)) header = block;
    }
    reader.unread(header);
    let current = from;
    let isFirstHeader = true;
    for await (const { entry, body } of readTar(reader)) {
      const headerAt = base + reader.consumed - BLOCK;
      const block = search.blockAt(headerAt);
      const path = normalise(entry.path);
      search.sawHeader(from, current, isFirstHeader, block, path);
      isFirstHeader = false;
      current = block;
      const wanted = context.byPath.get(path);
      if (wanted !== undefined && search.pending.has(path)) {
        if (entry.type !== "file") throw new GiveUp(`${path} is a ${entry.type}`);
        search.pending.delete(path);
        search.capturing.add(path);
        const label = `Emulator /${path} from ${context.where}`;
        const blob = await storeEmulatorBlob(
          context.cache,
          md5Checked(body, wanted.md5, path),
          label,
          context.host,
        );
        search.capturing.delete(path);
        context.found.set(wanted.emulator, blob);
      }
      if (run.stop.signal.aborted) return;
      const next = search.blockAt(headerAt + BLOCK + Math.ceil(entry.size / BLOCK) * BLOCK);
      search.sawAllBefore(from, current, next);
      run.block = next;
      schedule();
      if (!shouldReadOn(search.view(), run, next)) return;
    }
    search.sawAllBefore(from, current, search.starts.length); // read to the end of the archive
  } finally {
    await reader.close();
  }
}

/** How many decoders to run at once: every core, at least two (a search and a plain read), at most four. */
function decoderCount(): number {
  return Math.max(2, Math.min(availableParallelism(), 4));
}

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
    const self = (): Context => context;
    const context: Context = {
      debPath,
      search: new SearchState(
        xz.blocks.map((block) => block.uncompressedOffset),
        byPath.keys(),
      ),
      layout: xz,
      found: new Map(),
      byPath,
      cache,
      host: options.host,
      where: options.where,
      decode:
        pool === null ? systemDecoder(self, options.decompress ?? {}) : workerDecoder(self, pool),
      onRead: options.onRead,
      compressedBytes: 0,
      tarBytes: 0,
    };
    const runs = await searchWithDecoders(context, decoderCount());
    if (typeof runs === "string") return { notUsed: `gave up: ${runs}` };
    return {
      blobs: context.found,
      decoder: tool ?? "xz-decompress (WebAssembly)",
      runs,
      compressedBytesRead: context.compressedBytes,
      tarBytesRead: context.tarBytes,
    };
  } finally {
    await pool?.close();
  }
}

/** The control member's tar bytes; through a decoder thread when there is one (no decoder instance in this thread). */
function controlTar(
  debPath: string,
  control: NonNullable<DebLayout["control"]>,
  pool: XzWasmPool | null,
  options?: DecompressOptions,
): AsyncIterable<Uint8Array> {
  const { member, compression } = control;
  if (member.size === 0) return Readable.from([]);
  if (pool !== null && compression === "xz") {
    return pool.decode({
      path: debPath,
      head: new Uint8Array(0),
      start: member.offset,
      end: member.offset + member.size,
      tail: new Uint8Array(0),
    });
  }
  return decompress(
    createReadStream(debPath, { start: member.offset, end: member.offset + member.size - 1 }),
    compression,
    options,
  );
}

/** Runs decoders as the search directs until every wanted path is found (the run count) or it gives up (why). */
function searchWithDecoders(context: Context, slots: number): Promise<number | string> {
  const { search } = context;
  const stops = new Map<number, AbortController>();
  let started = 0;
  let outcome: { gaveUp?: string; error?: unknown } | null = null;
  return new Promise((resolve, reject) => {
    const finish = (): void => {
      if (search.active.size > 0) return;
      if (outcome?.error !== undefined) reject(outcome.error);
      else resolve(outcome?.gaveUp ?? started);
    };
    const stopAll = (why: { gaveUp?: string; error?: unknown }): void => {
      outcome ??= why;
      for (const stop of stops.values()) stop.abort();
    };
    const schedule = (): void => {
      if (outcome === null && search.pending.size === 0 && search.capturing.size === 0) stopAll({});
      while (outcome === null && search.active.size < slots) {
        const step = nextStep(search.view());
        if (step.kind === "give-up") {
          stopAll({ gaveUp: step.reason });
          return;
        }
        if (step.kind === "wait") break;
        const run = {
          id: started++,
          start: step.block,
          block: step.block,
          stop: new AbortController(),
        };
        search.active.set(run.id, run);
        stops.set(run.id, run.stop);
        runDecoder(context, run, schedule)
          .catch((error: unknown) => {
            if (run.stop.signal.aborted) return; // stopped on purpose: its error is the stop
            const searchFailed =
              error instanceof GiveUp ||
              error instanceof TarFormatError ||
              error instanceof DecompressionError;
            stopAll(searchFailed ? { gaveUp: (error as Error).message } : { error });
          })
          .finally(() => {
            search.active.delete(run.id);
            stops.delete(run.id);
            schedule();
            finish();
          });
      }
      finish();
    };
    schedule();
  });
}
