// The bundled xz decoder (xz-embedded compiled to WebAssembly, from xz-decompress) in worker
// threads, so independent xz block runs decode on several cores when no system `xz` exists.
// The worker is the inline script of xz-wasm-worker.ts; the compiled module (xz-wasm-module.ts)
// is handed to each worker. Output comes back in 256 KiB transferred buffers, reused, at most CREDITS ahead of
// the reader.
import { Worker } from "node:worker_threads";
import { DecompressionError } from "./decompress.js";
import type { WasmModule } from "./xz-wasm-module.js";
import { WORKER_SOURCE, type WorkerMessage } from "./xz-wasm-worker.js";

/**
 * Output buffers a worker may have in flight before the reader takes one. Each goes back to the
 * worker once read: transferred buffers that nobody reuses are freed only when the main thread
 * collects garbage, which it rarely does while it only reads, and tens of MB piled up.
 */
const CREDITS = 3;

/** What to decode: `head`, then bytes [start, end) of the file at `path`, then `tail` (see xz-index.ts). */
export interface XzFileStream {
  readonly path: string;
  readonly head: Uint8Array;
  readonly start: number;
  readonly end: number;
  readonly tail: Uint8Array;
}

/** Up to `size` decoder threads; decode() borrows one per stream. Close it when done. */
export class XzWasmPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<(worker: Worker) => void> = [];
  private readonly all = new Set<Worker>();
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly module: WasmModule,
    readonly size: number,
  ) {}

  private async acquire(): Promise<Worker> {
    if (this.closed) throw new Error("the xz decoder pool is closed");
    const ready = this.idle.pop();
    if (ready !== undefined) return ready;
    if (this.all.size < this.size) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module: this.module } });
      worker.on("error", () => undefined); // reported to the stream that uses it (see decode)
      worker.on("exit", () => this.all.delete(worker));
      this.all.add(worker);
      return worker;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(worker: Worker, healthy: boolean): void {
    if (!healthy || this.closed) {
      this.all.delete(worker);
      void worker.terminate();
      if (this.closed) return;
      // A waiting stream gets a fresh worker in place of the broken one.
      const next = this.waiting.shift();
      if (next !== undefined) void this.acquire().then(next);
      return;
    }
    const next = this.waiting.shift();
    if (next !== undefined) next(worker);
    else this.idle.push(worker);
  }

  /**
   * Decodes one complete xz stream, read by the worker from the file. Each chunk is valid only
   * until the next one is requested (its buffer is then reused, and detached here). `onRead` is
   * told how many compressed bytes were read so far. Stopping the iteration early (or through
   * `signal`) frees the worker for the next stream; corrupt data throws DecompressionError.
   */
  async *decode(
    stream: XzFileStream,
    signal?: AbortSignal,
    onRead?: (bytes: number) => void,
  ): AsyncGenerator<Uint8Array> {
    const worker = await this.acquire();
    const id = ++this.nextId;
    const queue: Uint8Array[] = [];
    let ended = false;
    let failure: Error | null = null;
    let healthy = true;
    let wake: (() => void) | null = null;
    const notify = (): void => {
      const resume = wake;
      wake = null;
      resume?.();
    };
    const onMessage = (message: WorkerMessage): void => {
      if (message.id !== id) return;
      if (message.type === "error") failure = new DecompressionError(message.message);
      else {
        onRead?.(message.read);
        if (message.type === "output") queue.push(message.chunk);
        else ended = true;
      }
      notify();
    };
    const onError = (error: Error): void => {
      healthy = false;
      failure = new DecompressionError(`the xz decoder thread failed: ${error.message}`, {
        cause: error,
      });
      notify();
    };
    const onExit = (): void => {
      healthy = false;
      failure ??= new DecompressionError("the xz decoder thread stopped");
      notify();
    };
    const onAbort = (): void => {
      failure ??= new DecompressionError("the xz decoder was stopped");
      notify();
    };
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    signal?.addEventListener("abort", onAbort, { once: true });
    if (signal?.aborted === true) onAbort();
    let finished = false;
    try {
      const { path, head, start, end, tail } = stream;
      worker.postMessage({ type: "start", id, path, head, start, end, tail, credits: CREDITS });
      for (;;) {
        if (signal?.aborted === true)
          throw failure ?? new DecompressionError("the xz decoder was stopped");
        const chunk = queue.shift();
        if (chunk !== undefined) {
          yield chunk;
          // The reader asked for more: it is done with `chunk`, whose buffer goes back for reuse.
          const spare = chunk.buffer as ArrayBuffer;
          worker.postMessage({ type: "credit", id, spare }, [spare]);
          continue;
        }
        if (failure !== null) throw failure;
        if (ended) break;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      finished = true;
    } finally {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
      signal?.removeEventListener("abort", onAbort);
      if (!finished && healthy) worker.postMessage({ type: "stop", id });
      this.release(worker, healthy);
    }
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    this.closed = true;
    const workers = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
