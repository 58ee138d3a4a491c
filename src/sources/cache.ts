// A content-addressed cache of downloaded packages, indexes and extracted emulators:
// `<cacheDir>/sha256/<hex>`. A blob is written under a temporary name while it is hashed, checked,
// fsynced, then renamed to its hash, so a reader never sees a partial blob and concurrent runs
// writing the same blob only replace identical bytes. A blob whose content does not match its
// name (disk corruption, tampering) is discarded when read.
import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { SourceError } from "../errors.js";
import { forgetTemp, trackTemp } from "../files/temp-files.js";
import { sha256File } from "../files/hash.js";

/**
 * Where the cache lives unless configured: /var/cache/qus for root (shared by every root run),
 * otherwise $XDG_CACHE_HOME/qus, falling back to ~/.cache/qus.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv, isRoot: boolean, home: string): string {
  if (isRoot) return "/var/cache/qus";
  const xdg = env.XDG_CACHE_HOME;
  return xdg?.startsWith("/") ? join(xdg, "qus") : join(home, ".cache", "qus");
}

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

const TEMP_PREFIX = ".tmp-";
/**
 * Chunks are copied into a buffer of this size, written when full: decoders and sockets hand out
 * 8-64 KiB chunks, and one awaited write per chunk made the write latency pace the decoder. Every
 * file being written holds one (five at once in a cold install of five targets): 1 MiB buffers
 * put 3-5 MB more on the cold install's peak than 256 KiB ones and were no faster.
 */
const WRITE_BUFFER_BYTES = 256 * 1024;
/**
 * Temp files unchanged for this long were left by a killed run (a live writer changes its file
 * at least every download idle timeout, 30 s): removed when the cache is next written. Plans write
 * the cache without the apply lock, so age, not the lock, tells a leftover from a live file.
 */
const STALE_TEMP_MS = 60 * 60 * 1000;

function isSha256(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}

/** Opens (lazily creates) the cache under `cacheDir`. */
export class BlobCache {
  readonly directory: string;
  private sweptTemps = false;

  /** `hash` may answer from a fingerprint cache (see files/hash-cache.ts) instead of rereading blobs. */
  constructor(
    cacheDir: string,
    private readonly hash: (
      path: string,
    ) => Promise<{ readonly sha256: string } | null> = sha256File,
  ) {
    this.directory = join(cacheDir, "sha256");
  }

  /** Where the blob with this hash lives (whether or not it exists). */
  pathFor(sha256: string): string {
    if (!isSha256(sha256))
      throw new SourceError(`Invalid SHA-256 ${JSON.stringify(sha256)} for a cache blob`);
    return join(this.directory, sha256);
  }

  /**
   * The blob's path when it exists with exactly this content (and size, when given); null when
   * missing. A blob whose bytes do not hash to its name is deleted and reported as missing.
   */
  async get(sha256: string, size?: number): Promise<string | null> {
    const path = this.pathFor(sha256);
    try {
      const stats = await stat(path);
      if (!stats.isFile()) return null;
      if (size !== undefined && stats.size !== size) {
        await rm(path, { force: true });
        return null;
      }
      const digest = await this.hash(path);
      if (digest === null) return null;
      if (digest.sha256 !== sha256) {
        await rm(path, { force: true });
        return null;
      }
      return path;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return null;
      throw new SourceError(`Cannot read the cache blob ${path} (${code ?? String(error)})`, {
        cause: error,
      });
    }
  }

  private async sweepStaleTemps(): Promise<void> {
    if (this.sweptTemps) return;
    this.sweptTemps = true;
    const now = Date.now();
    for (const name of await readdir(this.directory).catch(() => [] as string[])) {
      if (!name.startsWith(TEMP_PREFIX)) continue;
      const path = join(this.directory, name);
      const stats = await stat(path).catch(() => null);
      if (stats !== null && now - stats.mtimeMs > STALE_TEMP_MS)
        await rm(path, { force: true }).catch(() => undefined);
    }
  }

  /** Starts a new blob under a unique temporary name in the cache directory. */
  async createWriter(): Promise<BlobWriter> {
    try {
      await mkdir(this.directory, { recursive: true, mode: 0o755 });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new SourceError(`Cannot create the cache directory ${this.directory} (${code})`, {
        cause: error,
        hint: "set a writable cache directory, or run as a user who can write there",
      });
    }
    await this.sweepStaleTemps();
    const tempPath = join(
      this.directory,
      `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString("hex")}`,
    );
    const handle = await open(tempPath, "wx", 0o600);
    trackTemp(tempPath);
    return new TempBlob(this, tempPath, handle);
  }
}

class TempBlob implements BlobWriter {
  private readonly hash = createHash("sha256");
  private handle: FileHandle | null;
  /** Bytes written but not yet passed to the file. */
  private buffer: Uint8Array | null = null;
  private buffered = 0;
  size = 0;

  constructor(
    private readonly cache: BlobCache,
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
      await handle.sync();
      await handle.close();
      this.handle = null;
      if (options.check !== undefined) await options.check(this.tempPath);
      const path = this.cache.pathFor(sha256);
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
    await handle?.close().catch(() => undefined);
    await rm(this.tempPath, { force: true }).catch(() => undefined);
    forgetTemp(this.tempPath);
  }
}
