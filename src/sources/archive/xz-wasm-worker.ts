// The decoder worker thread's source: a short inline script that reads the compressed bytes of a
// run straight into the WebAssembly decoder's input buffer and posts its output back in reused,
// transferred buffers, never more than the reader's credits ahead.

// The context layout is xz-decompress's (u32 words at the context pointer): buffer size, input
// address, input position, input size, output address, output position. The worker reads the
// compressed bytes straight into the decoder's input buffer (no copies, nothing to collect).
// Why: the single-file bundle has no worker file to point at, so the worker is eval'd source.
/** The decoder thread's script: drives the module's exports directly. */
export const WORKER_SOURCE = `
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

// Why: the pool and the script must agree on what a worker posts back.
/** What a worker posts back. */
export type WorkerMessage =
  | { type: "output"; id: number; chunk: Uint8Array; read: number }
  | { type: "end"; id: number; read: number }
  | { type: "error"; id: number; message: string };
