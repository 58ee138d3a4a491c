// A decoder child's stdout as one end of a Unix socket whose other end qus reads into one reused
// buffer (`onread`), as views valid until the next is asked for (view-queue.ts). Through a pipe,
// Node gave every read of the child's output a new buffer: for 140 MB of decoded tar that was
// 300-450 ms more CPU in qus and ~3,000 more page faults (measured against this way, with xz -dc).
import { mkdtemp, rm } from "node:fs/promises";
import { connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ViewQueue } from "../view-queue.js";

const READ_BUFFER_BYTES = 256 * 1024;

// Why: decompress.ts reads its system decoders' output this way when the caller can take views.
/** The child's end and what arrives at ours. */
export interface SocketOutput {
  /** Give it to the child as its stdout, then destroy it here. */
  readonly childEnd: Socket;
  /** What the child writes, in order; each view valid until the next is asked for. */
  readonly chunks: AsyncGenerator<Uint8Array>;
  /** Ends the reading with `error` (after what already arrived). */
  fail(error: Error): void;
}

/**
 * A connected pair through a socket in a new directory only this user can enter (so nothing else
 * can connect first), which is removed once connected. Rejects when the system refuses (a
 * temporary directory whose path is too long for a socket): the caller uses a pipe then.
 */
export async function socketOutput(): Promise<SocketOutput> {
  const dir = await mkdtemp(join(tmpdir(), "qus-decoder-"));
  const server = createServer({ pauseOnConnect: true });
  try {
    const path = join(dir, "out");
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(path, resolve);
    });
    const accepted = new Promise<Socket>((resolve) => server.once("connection", resolve));
    const views = new ViewQueue();
    const reader = connect({
      path,
      onread: {
        buffer: Buffer.allocUnsafeSlow(READ_BUFFER_BYTES),
        callback: (length: number, buffer: Uint8Array): boolean => {
          views.push(buffer.subarray(0, length));
          views.notify();
          return views.empty;
        },
      },
    });
    reader.on("end", () => views.end());
    const connected = new Promise<void>((resolve, reject) => {
      reader.once("connect", resolve);
      reader.once("error", reject);
    });
    reader.on("error", (error) => views.fail(error));
    const [childEnd] = await Promise.all([accepted, connected]);
    return {
      childEnd,
      chunks: views.read(reader),
      fail: (error) => {
        views.fail(error);
        reader.destroy();
      },
    };
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
