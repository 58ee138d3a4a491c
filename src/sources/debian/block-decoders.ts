// The decoders the block search runs: system `xz -T1` processes fed the bytes of a run of xz
// blocks, or the bundled WebAssembly decoder in worker threads that read the file themselves.
import { createReadStream } from "node:fs";
import { availableParallelism } from "node:os";
import { Readable } from "node:stream";
import type { DebLayout } from "../archive/deb.js";
import { decompress, type DecompressOptions } from "../archive/decompress.js";
import { xzRun, type XzLayout } from "../archive/xz-index.js";
import type { XzWasmPool } from "../archive/xz-wasm-pool.js";

// Why: the search starts decoders without knowing which kind; this is all it needs of one.
/** Decodes blocks `from`..the last of a data.tar.xz as tar bytes. */
export type BlockDecoder = (from: number, signal: AbortSignal) => AsyncIterable<Uint8Array>;

/** The package file and its xz layout; `onCompressed` hears each count of compressed bytes read. */
export interface DecoderInput {
  readonly debPath: string;
  readonly layout: XzLayout;
  readonly onCompressed: (bytes: number) => void;
}

/** The xz stream of blocks `from`..the last as bytes, for a decoder that reads a pipe. */
async function* runInput(input: DecoderInput, from: number): AsyncGenerator<Uint8Array> {
  const run = xzRun(input.layout, from);
  yield run.head;
  for await (const chunk of createReadStream(input.debPath, {
    start: run.start,
    end: run.end - 1,
    highWaterMark: 1024 * 1024,
  })) {
    input.onCompressed((chunk as Buffer).length);
    yield chunk as Buffer;
  }
  yield run.tail;
}

// Why: with `xz` installed no decoder instance lives in this process.
/** Decodes with system `xz -T1` processes (one per run; the dictionary is all their memory). */
export function systemDecoder(input: DecoderInput, options: DecompressOptions): BlockDecoder {
  return (from, signal) =>
    decompress(Readable.from(runInput(input, from), { objectMode: false }), "xz", {
      ...options,
      threads: 1,
      signal,
    });
}

// Why: without `xz` the bundled decoder still decodes several runs at once, off the main thread.
/** Decodes with the bundled decoder in worker threads, which read the file themselves. */
export function workerDecoder(input: DecoderInput, pool: XzWasmPool): BlockDecoder {
  return (from, signal) => {
    const run = xzRun(input.layout, from);
    let counted = 0;
    return pool.decode({ path: input.debPath, ...run }, signal, (read) => {
      input.onCompressed(read - counted);
      counted = read;
    });
  };
}

// Why: more decoders than cores only compete; fewer than two cannot search and read at once.
/** How many decoders to run at once: every core, at least two (a search and a plain read), at most four. */
export function decoderCount(): number {
  return Math.max(2, Math.min(availableParallelism(), 4));
}

// Why: md5sums must be read before the search, with the same decoder kind.
/** The control member's tar bytes; through a decoder thread when there is one (no decoder instance in this thread). */
export function controlTar(
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
