// The bundled decoders, used when the system has no `xz` or `zstd`: xz-decompress (WebAssembly)
// and fzstd (JavaScript), each loaded only when first needed.
import type { Readable } from "node:stream";
import { DecompressionError } from "./decompression-error.js";

// Why: without a system xz, qus still decodes with the bundled WebAssembly decoder.
/** Decodes xz with the bundled xz-decompress, pulled chunk by chunk. */
export async function* viaXzLibrary(input: Readable): AsyncGenerator<Uint8Array> {
  const module = (await import("xz-decompress")) as unknown as {
    XzReadableStream?: new (stream: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
    default?: {
      XzReadableStream: new (stream: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
    };
  };
  const XzReadableStream = module.XzReadableStream ?? module.default?.XzReadableStream;
  if (XzReadableStream === undefined)
    throw new DecompressionError("xz-decompress does not export XzReadableStream");
  // A pull-based web stream over the input: Readable.toWeb pushes, and enqueues after cancel().
  const chunks = input[Symbol.asyncIterator]();
  const web = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      try {
        if (next.done === true) controller.close();
        else controller.enqueue(next.value as Uint8Array);
      } catch {
        // cancelled meanwhile: nothing more to deliver
      }
    },
    async cancel() {
      await chunks.return?.();
    },
  });
  const reader = new XzReadableStream(web).getReader();
  let finished = false;
  try {
    for (;;) {
      let next: Awaited<ReturnType<typeof reader.read>>;
      try {
        next = await reader.read();
      } catch (error) {
        throw new DecompressionError(`xz data is corrupt: ${(error as Error).message}`, {
          cause: error,
        });
      }
      if (next.done) break;
      yield next.value;
    }
    finished = true;
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    input.destroy();
  }
}

// Why: Node 20's zlib has no zstd; without a system zstd, fzstd decodes.
/** Decodes zstd with the bundled fzstd. */
export async function* viaZstdLibrary(input: Readable): AsyncGenerator<Uint8Array> {
  const { Decompress } = await import("fzstd");
  const out: Uint8Array[] = [];
  const decoder = new Decompress((chunk) => {
    if (chunk.length > 0) out.push(chunk);
  });
  const push = (chunk: Uint8Array, final: boolean): void => {
    try {
      decoder.push(chunk, final);
    } catch (error) {
      throw new DecompressionError(`zstd data is corrupt: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };
  try {
    for await (const chunk of input) {
      push(chunk as Buffer, false);
      while (out.length > 0) yield out.shift() as Uint8Array;
    }
    push(new Uint8Array(0), true);
    while (out.length > 0) yield out.shift() as Uint8Array;
  } finally {
    input.destroy();
  }
}
