// A content-addressed cache of downloaded packages, indexes and extracted emulators:
// `<cacheDir>/sha256/<hex>`. A blob is written under a temporary name while it is hashed, checked,
// fsynced, then renamed to its hash, so a reader never sees a partial blob and concurrent runs
// writing the same blob only replace identical bytes. A blob whose content does not match its
// name (disk corruption, tampering) is discarded when read.
import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { SourceError } from "../errors.js";
import { trackTemp } from "../files/temp-files.js";
import { sha256File } from "../files/hash.js";
import { TempBlob, type BlobWriter } from "./blob-writer.js";

export type { BlobWriter, CachedBlob, CommitOptions, ExpectedDigest } from "./blob-writer.js";

/**
 * Where the cache lives unless configured: /var/cache/qus for root (shared by every root run),
 * otherwise $XDG_CACHE_HOME/qus, falling back to ~/.cache/qus.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv, isRoot: boolean, home: string): string {
  if (isRoot) return "/var/cache/qus";
  const xdg = env.XDG_CACHE_HOME;
  return xdg?.startsWith("/") ? join(xdg, "qus") : join(home, ".cache", "qus");
}

const TEMP_PREFIX = ".tmp-";
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
    return new TempBlob((sha256) => this.pathFor(sha256), tempPath, handle);
  }
}
