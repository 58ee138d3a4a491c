// Reports a source's signature checks and extractions to the progress display, so a cold install
// shows each step it takes (not a download bar stuck at 100% while a package is unpacked).
import type { PhaseEvent } from "./types.js";

/** Where phase events go (nowhere when the caller shows no progress). */
export type PhaseSink = ((event: PhaseEvent) => void) | undefined;

/** Smallest gap between two "progress" events of one phase. */
const PROGRESS_INTERVAL_MS = 100;

/**
 * Runs `work` as one phase: "start" before it, "done" with the detail `describe` gives after it
 * (nothing more when it fails: the error says what went wrong). `work` reports bytes read
 * (increments) through its argument; they become throttled "progress" events against `totalBytes`.
 */
export async function inPhase<T>(
  sink: PhaseSink,
  phase: PhaseEvent["phase"],
  label: string,
  work: (read: (bytes: number) => void) => Promise<T>,
  describe: (result: T) => string,
  totalBytes?: number,
): Promise<T> {
  if (sink === undefined) return work(() => undefined);
  let doneBytes = 0;
  let reported = 0;
  sink({ phase, label, state: "start", doneBytes, totalBytes });
  const result = await work((bytes) => {
    doneBytes += bytes;
    const now = Date.now();
    if (now - reported < PROGRESS_INTERVAL_MS) return;
    reported = now;
    sink({ phase, label, state: "progress", doneBytes, totalBytes });
  });
  sink({ phase, label, state: "done", doneBytes, totalBytes, detail: describe(result) });
  return result;
}

/** "qemu-aarch64, qemu-riscv64": the emulators an extraction produced, for its "done" line. */
export function extractedNames(blobs: ReadonlyMap<string, unknown>): string {
  return [...blobs.keys()].sort().join(", ");
}

/** Passes `stream` through, telling `onRead` the size of each chunk (extraction progress). */
export async function* countedChunks(
  stream: AsyncIterable<Uint8Array>,
  onRead: (bytes: number) => void,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of stream) {
    onRead(chunk.length);
    yield chunk;
  }
}
