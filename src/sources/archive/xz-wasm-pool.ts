// The bundled xz decoder (xz-embedded compiled to WebAssembly, from xz-decompress) in worker
// threads, so independent xz block runs decode on several cores when no system `xz` exists.
// The worker is a short inline script (no file of its own: the single-file bundle has none to
// point at) that drives the module's exports directly; the compiled module is handed to each
// worker. Output comes back in 256 KiB transferred buffers, reused, at most CREDITS ahead of
// the reader.
import { Worker } from "node:worker_threads";
import { DecompressionError } from "./decompress.js";

/**
 * Output buffers a worker may have in flight before the reader takes one. Each goes back to the
 * worker once read: transferred buffers that nobody reuses are freed only when the main thread
 * collects garbage, which it rarely does while it only reads, and tens of MB piled up.
 */
const CREDITS = 3;

// The context layout is xz-decompress's (u32 words at the context pointer): buffer size, input
// address, input position, input size, output address, output position. The worker reads the
// compressed bytes straight into the decoder's input buffer (no copies, nothing to collect).
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const fs = require("node:fs");
const ex = new WebAssembly.Instance(workerData.module, {}).exports;
const BATCH = 256 * 1024;
const spares = []; // output buffers the reader handed back
let job = null;
const words = (ptr) => new Uint32Array(ex.memory.buffer, ptr, 6);
function close() {
  if (job === null) return;
  ex.destroy_context(job.ptr);
  if (job.fd !== null) fs.closeSync(job.fd);
  job = null;
}
function fail(message) { parentPort.postMessage({ type: "error", id: job.id, message }); close(); }
function flush() {
  if (job.batchLength === 0) return;
  const chunk = job.batch.subarray(0, job.batchLength);
  parentPort.postMessage({ type: "output", id: job.id, chunk, read: job.read }, [job.batch.buffer]);
  const spare = spares.pop();
  job.batch = spare === undefined ? new Uint8Array(BATCH) : new Uint8Array(spare);
  job.batchLength = 0;
  job.credits--;
}
// Puts the next input into the decoder: the stream header, the file's bytes, the index and footer.
function supply(w) {
  if (job.stage === 0 && job.head.length === 0) job.stage = 1;
  if (job.stage === 1 && job.position === job.end) job.stage = 2;
  if (job.stage === 2 && job.tail.length === 0) job.stage = 3;
  if (job.stage === 0 || job.stage === 2) {
    const bytes = job.stage === 0 ? job.head : job.tail;
    new Uint8Array(ex.memory.buffer).set(bytes, w[1]);
    ex.supply_input(job.ptr, bytes.length);
    job.stage++;
    return;
  }
  if (job.stage === 1 && job.position < job.end) {
    const want = Math.min(w[0], job.end - job.position);
    const n = fs.readSync(job.fd, new Uint8Array(ex.memory.buffer, w[1], want), 0, want, job.position);
    if (n === 0) throw new Error("the file ended early");
    job.position += n;
    job.read += n;
    ex.supply_input(job.ptr, n);
    return;
  }
  ex.supply_input(job.ptr, 0); // no more input: the decoder may now end the stream
}
function pump() {
  while (job !== null && job.credits > 0) {
    let w = words(job.ptr);
    if (w[2] === w[3]) {
      try { supply(w); } catch (error) { return fail("cannot read the package: " + error.message); }
    }
    const result = ex.get_next_output(job.ptr);
    if (result !== 0 && result !== 1) return fail("xz data is corrupt or truncated (decoder error " + result + ")");
    w = words(job.ptr);
    const produced = w[5];
    if (produced > 0) {
      if (job.batchLength + produced > BATCH) flush();
      job.batch.set(new Uint8Array(ex.memory.buffer, w[4], produced), job.batchLength);
      job.batchLength += produced;
      w[5] = 0;
    }
    if (result === 1) { flush(); parentPort.postMessage({ type: "end", id: job.id, read: job.read }); close(); return; }
    // After each full buffer, let queued messages in (a new stream may replace this one).
    if (job.batchLength > BATCH - w[0]) { flush(); setImmediate(pump); return; }
  }
}
parentPort.on("message", (m) => {
  if (m.type === "credit" && m.spare.byteLength === BATCH) spares.push(m.spare);
  if (m.type === "start") {
    close();
    let fd = null;
    try { fd = fs.openSync(m.path, "r"); } catch (error) { job = { id: m.id, ptr: ex.create_context(), fd: null }; return fail("cannot open the package: " + error.message); }
    job = { id: m.id, ptr: ex.create_context(), fd, head: m.head, tail: m.tail, position: m.start, end: m.end, stage: 0, read: 0,
      credits: m.credits, batch: new Uint8Array(spares.pop() ?? BATCH), batchLength: 0 };
  } else if (job === null || m.id !== job.id) {
    return;
  } else if (m.type === "credit") {
    job.credits++;
  } else if (m.type === "stop") {
    close();
    return;
  }
  pump();
});
`;

type WorkerMessage =
  | { type: "output"; id: number; chunk: Uint8Array; read: number }
  | { type: "end"; id: number; read: number }
  | { type: "error"; id: number; message: string };

/** What to decode: `head`, then bytes [start, end) of the file at `path`, then `tail` (see xz-index.ts). */
export interface XzFileStream {
  readonly path: string;
  readonly head: Uint8Array;
  readonly start: number;
  readonly end: number;
  readonly tail: Uint8Array;
}

/** A compiled WebAssembly.Module (qus's TypeScript settings declare no WebAssembly types). */
export type WasmModule = object;

/** The parts of the global WebAssembly object used here. */
interface WasmGlobal {
  instantiate(...args: unknown[]): Promise<unknown>;
  readonly Module: abstract new (...args: never[]) => WasmModule;
}

let modulePromise: Promise<WasmModule> | undefined;

/**
 * xz-decompress's compiled module. The package (pinned) exports only a web stream class that
 * instantiates the module privately; the module is taken from its one instantiate call.
 */
export function loadXzWasmModule(): Promise<WasmModule> {
  modulePromise ??= (async () => {
    const imported = (await import("xz-decompress")) as unknown as Record<string, unknown> & {
      default?: Record<string, unknown>;
    };
    const stream = (imported.XzReadableStream ?? imported.default?.XzReadableStream) as
      | { _getModuleInstance?: () => Promise<void> }
      | undefined;
    if (typeof stream?._getModuleInstance !== "function")
      throw new DecompressionError("xz-decompress no longer exposes its WebAssembly module loader");
    const wasm = (globalThis as unknown as { WebAssembly: WasmGlobal }).WebAssembly;
    const original = wasm.instantiate;
    let captured: unknown;
    wasm.instantiate = async (...args: unknown[]): Promise<unknown> => {
      const result = (await original.apply(wasm, args)) as { module?: unknown };
      captured = result.module;
      return result;
    };
    try {
      await stream._getModuleInstance();
    } finally {
      wasm.instantiate = original;
    }
    if (!(captured instanceof wasm.Module))
      throw new DecompressionError("xz-decompress did not compile a WebAssembly module");
    return captured;
  })();
  const promise = modulePromise;
  promise.catch(() => {
    modulePromise = undefined;
  });
  return promise;
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
