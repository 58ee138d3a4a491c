// Pulls exact byte counts out of a stream of arbitrarily sized chunks without copying the bytes
// a caller skips: the tar reader reads 512-byte headers and skips hundreds of MB of members it
// does not want, so it must never gather those into one buffer. A source may reuse a chunk's
// memory once the next is asked for: what read() returns is copied, what chunks() yields is not.

/** Reads from an async iterator of chunks; counts what it consumed. */
export class ChunkReader {
  private pending: Uint8Array = new Uint8Array(0);
  private done = false;
  /** Bytes handed out or skipped so far. */
  consumed = 0;

  constructor(private readonly source: AsyncIterator<Uint8Array>) {}

  private async fill(): Promise<boolean> {
    while (this.pending.length === 0) {
      if (this.done) return false;
      const next = await this.source.next();
      if (next.done === true) {
        this.done = true;
        return false;
      }
      this.pending = next.value;
    }
    return true;
  }

  /**
   * Exactly `length` bytes, or fewer only when the stream ends first: a copy, the caller's to
   * keep (a source may reuse a chunk's memory once the next is asked for).
   */
  async read(length: number): Promise<Uint8Array> {
    if (!(await this.fill())) return new Uint8Array(0);
    if (this.pending.length >= length) {
      const out = this.pending.slice(0, length);
      this.pending = this.pending.subarray(length);
      this.consumed += length;
      return out;
    }
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length && (await this.fill())) {
      const take = Math.min(length - filled, this.pending.length);
      out.set(this.pending.subarray(0, take), filled);
      this.pending = this.pending.subarray(take);
      filled += take;
    }
    this.consumed += filled;
    return out.subarray(0, filled);
  }

  /**
   * Yields the next `length` bytes as they arrive (no copy: each valid until the next is asked
   * for); stops early if the stream ends.
   */
  async *chunks(length: number): AsyncGenerator<Uint8Array, number> {
    let remaining = length;
    while (remaining > 0 && (await this.fill())) {
      const take = Math.min(remaining, this.pending.length);
      const out = this.pending.subarray(0, take);
      this.pending = this.pending.subarray(take);
      remaining -= take;
      this.consumed += take;
      yield out;
    }
    return length - remaining;
  }

  /** Discards the next `length` bytes; returns how many were actually there. */
  async skip(length: number): Promise<number> {
    // Not through chunks(): a generator step per chunk of the hundreds of MB skipped.
    let skipped = 0;
    while (skipped < length && (await this.fill())) {
      const take = Math.min(length - skipped, this.pending.length);
      this.pending = this.pending.subarray(take);
      skipped += take;
    }
    this.consumed += skipped;
    return skipped;
  }

  /** Puts bytes just read back in front, to be read again (a reader that looked ahead). */
  unread(bytes: Uint8Array): void {
    const joined = new Uint8Array(bytes.length + this.pending.length);
    joined.set(bytes, 0);
    joined.set(this.pending, bytes.length);
    this.pending = joined;
    this.consumed -= bytes.length;
  }

  /** Stops the underlying stream (e.g. destroys a decompressor once the wanted files are out). */
  async close(): Promise<void> {
    this.done = true;
    this.pending = new Uint8Array(0);
    await this.source.return?.();
  }
}
