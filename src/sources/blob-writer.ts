// Writing one cache blob: bytes are hashed while they are written (through a buffer), written
// back to disk as they go, then checked, fsynced and renamed to their SHA-256 at commit; abort
// removes the temporary file. cache.ts names the temporary files and the blobs.
import { createHash } from "node:crypto";
import { rename, rm, type FileHandle } from "node:fs/promises";
import { SourceError } from "../errors.js";
import { forgetTemp } from "../files/temp-files.js";

/** A blob in the cache. */
export interface CachedBlob {
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
}

/** What a blob must be; a mismatch at commit discards it. */
export interface ExpectedDigest {
  readonly sha256: string;
  readonly size: number;
}

/** How to finish a blob: checks that run on the temporary file before it gets its name. */
export interface CommitOptions {
  readonly expected?: ExpectedDigest;
  /** Where the bytes came from, for messages (URL, package member). */
  readonly origin?: string;
  /** Runs on the complete temp file; throwing discards the blob. */
  readonly check?: (tempPath: string) => Promise<void>;
  /** File mode of the blob (0644 by default; emulators get 0755). */
  readonly mode?: number;
}

/** A blob being written; either commit() or abort() it. */
export interface BlobWriter {
  readonly tempPath: string;
  readonly size: number;
  write(chunk: Uint8Array): Promise<void>;
  commit(options?: CommitOptions): Promise<CachedBlob>;
  abort(): Promise<void>;
}

/**
 * Chunks are copied into a buffer of this size, written when full: decoders and sockets hand out
 * 8-64 KiB chunks, and one awaited write per chunk made the write latency pace the decoder. Every
 * file being written holds one (five at once in a cold install of five targets): 1 MiB buffers
 * put 3-5 MB more on the cold install's peak than 256 KiB ones and were no faster.
 */
const WRITE_BUFFER_BYTES = 256 * 1024;
/**
 * While a blob is written, its data is flushed to disk (fdatasync, not awaited) every this many
 * bytes, so commit's fsync waits only for the tail: on a 60 MB .deb that fsync took ~50 ms after
 * the download had ended (measured on the loopback mirror); written back during it, none of that.
 */
const WRITEBACK_BYTES = 8 * 1024 * 1024;

// Why: the cache's only way to add a blob; the name comes from the bytes written, never the caller.
/** A blob written under a temporary name in the cache directory, named by its hash at commit. */
export class TempBlob implements BlobWriter {
  private readonly hash = createHash("sha256");
  private handle: FileHandle | null;
  /** Bytes written but not yet passed to the file. */
  private buffer: Uint8Array | null = null;
  private buffered = 0;
  /** Bytes written to the file since the last writeback started. */
  private unsynced = 0;
  /** The writeback in flight; it never rejects (its error is kept in writebackError). */
  private writeback: Promise<void> | null = null;
  private writebackError: unknown = null;
  size = 0;

  constructor(
    /** The blob's final path, from its SHA-256. */
    private readonly pathFor: (sha256: string) => string,
    readonly tempPath: string,
    handle: FileHandle,
  ) {
    this.handle = handle;
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.handle === null) throw new Error("blob writer is closed");
    this.hash.update(chunk);
    this.size += chunk.length;
    let taken = 0;
    while (taken < chunk.length) {
      this.buffer ??= new Uint8Array(WRITE_BUFFER_BYTES);
      const n = Math.min(chunk.length - taken, this.buffer.length - this.buffered);
      this.buffer.set(chunk.subarray(taken, taken + n), this.buffered);
      this.buffered += n;
      taken += n;
      if (this.buffered === this.buffer.length) await this.flush();
    }
  }

  private async flush(): Promise<void> {
    const handle = this.handle as FileHandle;
    const buffer = this.buffer as Uint8Array;
    let written = 0;
    while (written < this.buffered) {
      const { bytesWritten } = await handle.write(buffer, written, this.buffered - written);
      written += bytesWritten;
    }
    this.buffered = 0;
    this.unsynced += written;
    if (this.unsynced >= WRITEBACK_BYTES && this.writeback === null) {
      this.unsynced = 0;
      this.writeback = handle.datasync().then(
        () => {
          this.writeback = null;
        },
        (error: unknown) => {
          this.writeback = null;
          this.writebackError ??= error;
        },
      );
    }
  }

  async commit(options: CommitOptions = {}): Promise<CachedBlob> {
    try {
      const sha256 = this.hash.digest("hex");
      const origin = options.origin ?? "download";
      const { expected } = options;
      if (expected !== undefined && this.size !== expected.size) {
        throw new SourceError(`${origin}: expected ${expected.size} bytes, got ${this.size}`);
      }
      if (expected !== undefined && sha256 !== expected.sha256.toLowerCase()) {
        throw new SourceError(
          `${origin}: SHA-256 mismatch: expected ${expected.sha256.toLowerCase()}, got ${sha256}`,
        );
      }
      await this.flush();
      this.buffer = null;
      const handle = this.handle as FileHandle;
      await handle.chmod(options.mode ?? 0o644);
      await this.writeback;
      if (this.writebackError !== null) throw this.writebackError;
      await handle.sync();
      await handle.close();
      this.handle = null;
      if (options.check !== undefined) await options.check(this.tempPath);
      const path = this.pathFor(sha256);
      await rename(this.tempPath, path);
      forgetTemp(this.tempPath);
      return { path, sha256, size: this.size };
    } catch (error) {
      await this.abort();
      throw error;
    }
  }

  async abort(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    this.buffer = null;
    // close() waits for the handle's operations, but not for a writeback's promise to settle.
    await this.writeback;
    await handle?.close().catch(() => undefined);
    await rm(this.tempPath, { force: true }).catch(() => undefined);
    forgetTemp(this.tempPath);
  }
}
