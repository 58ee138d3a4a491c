// The decoders the block search runs: system `xz -T1` processes fed the bytes of a run of xz
// blocks, or the bundled WebAssembly decoder in worker threads that read the file themselves.
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { Readable, type Writable } from "node:stream";
import type { DebLayout } from "../archive/deb.js";
import {
  DecompressionError,
  decompress,
  decompressFed,
  type DecompressOptions,
  type Feeder,
} from "../archive/decompress.js";
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

/** Buffers a feeder reads the package into; each is reused once its write is done. */
const FEED_BUFFER_BYTES = 256 * 1024;
const spareFeedBuffers: Buffer[] = [];

/** Writes `chunk` to `stdin`; resolves once the stream no longer holds it (so it can be reused). */
function writeOut(stdin: Writable, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    stdin.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}

/**
 * Feeds `xz` the stream of blocks `from`..the last: the run's header, its blocks read from the
 * package through two buffers in turn (one is read into while the other is written), its index.
 * A stream's new buffer per read cost ~1 page fault per 4 KiB read, each ~12 us on some virtual
 * machines; these buffers are reused across runs.
 */
function feedRun(input: DecoderInput, from: number): Feeder {
  return async (stdin, stop) => {
    const run = xzRun(input.layout, from);
    await writeOut(stdin, run.head);
    const handle = await open(input.debPath, "r");
    const buffers = [
      spareFeedBuffers.pop() ?? Buffer.allocUnsafeSlow(FEED_BUFFER_BYTES),
      spareFeedBuffers.pop() ?? Buffer.allocUnsafeSlow(FEED_BUFFER_BYTES),
    ] as const;
    let writing: Promise<void> = Promise.resolve();
    try {
      for (let at = run.start, turn = 0; at < run.end && !stop.aborted; turn ^= 1) {
        const buffer = buffers[turn] as Buffer;
        const length = Math.min(buffer.length, run.end - at);
        // Reads into this buffer while the other one's write finishes; both awaited together, so
        // a failed write (xz gone) is never left unhandled while the read runs.
        const [{ bytesRead }] = await Promise.all([handle.read(buffer, 0, length, at), writing]);
        if (bytesRead === 0)
          throw new DecompressionError(`${input.debPath} ended inside its xz data`);
        at += bytesRead;
        input.onCompressed(bytesRead);
        writing = writeOut(stdin, buffer.subarray(0, bytesRead));
      }
      await writing;
      if (!stop.aborted) await writeOut(stdin, run.tail);
    } finally {
      // A write still pending (the decoder was stopped) keeps its buffer: it is not reused.
      await writing.then(
        () => spareFeedBuffers.push(...buffers),
        () => undefined,
      );
      await handle.close();
    }
  };
}

// Why: with `xz` installed no decoder instance lives in this process.
/** Decodes with system `xz -T1` processes (one per run; the dictionary is all their memory). */
export function systemDecoder(input: DecoderInput, options: DecompressOptions): BlockDecoder {
  return (from, signal) =>
    decompressFed(feedRun(input, from), "xz", { ...options, threads: 1, signal });
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
