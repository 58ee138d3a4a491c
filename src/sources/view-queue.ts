// The chunks a socket reads into one reused buffer (net/tls `onread`), handed out in order as
// views of that buffer. The socket is paused while any view is queued and resumed only when the
// reader asks for more than is queued, so a view stays intact until the next one is asked for.
import type { Socket } from "node:net";

// Why: downloads and decoder output both read into reused buffers; this is their one queue.
/** Views of a socket's read buffer, waiting for their reader. */
export class ViewQueue {
  private readonly views: Uint8Array[] = [];
  private ended = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  /** Queues a view; the socket must stay paused until it is taken (see `empty`). */
  push(view: Uint8Array): void {
    if (view.length > 0) this.views.push(view);
  }

  /** Whether nothing is queued: what an `onread` callback returns (false pauses the socket). */
  get empty(): boolean {
    return this.views.length === 0;
  }

  /** Whether the stream ended or failed. */
  get settled(): boolean {
    return this.ended || this.failure !== null;
  }

  /** No more views will come (those queued are still read). */
  end(): void {
    this.ended = true;
    this.notify();
  }

  /** The stream failed: the reader gets `error` after the views already queued. First one wins. */
  fail(error: Error): void {
    if (this.settled) return;
    this.failure = error;
    this.notify();
  }

  /** Wakes a reader waiting for data (call after queueing views). */
  notify(): void {
    const waiting = this.wake;
    this.wake = null;
    waiting?.();
  }

  /** The views in order; stopping the iteration (or its end) destroys `socket`. */
  async *read(socket: Socket): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        const view = this.views.shift();
        if (view !== undefined) {
          yield view;
          continue;
        }
        if (this.failure !== null) throw this.failure;
        if (this.ended) return;
        const arrived = new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        socket.resume();
        await arrived;
      }
    } finally {
      this.ended = true;
      socket.destroy();
    }
  }
}
