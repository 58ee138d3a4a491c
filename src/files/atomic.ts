// Crash-safe file writes: content goes to a temp file in the destination's own directory, is
// flushed to disk, then renamed over the destination, and the directory is flushed too. A crash
// at any instant leaves either the old file or the new one, never a partial emulator that the
// kernel would then try to run; a temp file left by a crash is named .qus-tmp-* so it is obvious.
import { createReadStream } from "node:fs";
import { mkdir, open, rename, rm, unlink, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { QusError, SourceError } from "../errors.js";
import type { FileDigest } from "./hash.js";
import { nodeCrypto } from "./node-crypto.js";
import { forgetTemp, trackTemp } from "./temp-files.js";
import { randomHex } from "./random-suffix.js";

/** A file could not be written where qus was asked to put it. */
export class FileWriteError extends QusError {
  readonly path: string;
  readonly code: string | undefined;
  constructor(path: string, error: unknown) {
    const code = (error as NodeJS.ErrnoException).code;
    const denied = code === "EACCES" || code === "EPERM" || code === "EROFS";
    super(`Cannot write ${path} (${code ?? String(error)})`, {
      cause: error,
      hint: denied ? "run qus as root, or configure a directory you can write to" : undefined,
    });
    this.path = path;
    this.code = code;
  }
}

const DIRECTORY_MODE = 0o755;
const COPY_CHUNK_BYTES = 1024 * 1024;

/** The temp name beside `target`: same directory, so rename is atomic (never across file systems). */
export async function tempPathFor(target: string): Promise<string> {
  return join(dirname(target), `.qus-tmp-${basename(target)}-${randomHex(6)}`);
}

// fsync on a directory makes the rename itself durable. Some file systems refuse it (EINVAL):
// nothing more can be done there, the rename has still happened.
async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, "r");
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EINVAL" && code !== "EISDIR" && code !== "ENOTSUP") throw error;
  } finally {
    await handle?.close();
  }
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
    written += bytesWritten;
  }
}

/**
 * Writes a temp file via `fill`, then sets `mode`, fsyncs, renames it over `target` and fsyncs
 * the directory. The temp file is removed on any failure. Renaming over a symlink at `target`
 * replaces the link itself, never the file it points to: qus owns the path, not what a link at
 * that path happens to point at.
 */
async function replaceAtomically<T>(
  target: string,
  mode: number,
  fill: (handle: FileHandle) => Promise<T>,
): Promise<T> {
  const directory = dirname(target);
  const temp = await tempPathFor(target);
  let handle: FileHandle | undefined;
  try {
    await mkdir(directory, { recursive: true, mode: DIRECTORY_MODE }).catch((error: unknown) => {
      throw new FileWriteError(directory, error);
    });
    // 0600 until the content is complete and verified: nobody can run a half-written emulator.
    handle = await open(temp, "wx", 0o600).catch((error: unknown) => {
      throw new FileWriteError(target, error);
    });
    trackTemp(temp);
    const result = await fill(handle);
    try {
      await handle.chmod(mode);
      await handle.sync();
      await handle.close();
      handle = undefined;
      await rename(temp, target);
      forgetTemp(temp);
      await syncDirectory(directory);
    } catch (error) {
      throw new FileWriteError(target, error);
    }
    return result;
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    forgetTemp(temp);
    throw error;
  }
}

/**
 * Copies `from` to `to` atomically with `mode`, hashing while copying; with expectedSha256 a
 * mismatch throws SourceError and leaves `to` untouched. Creates `to`'s directory (0755) if missing.
 */
export async function installFileAtomic(options: {
  readonly from: string;
  readonly to: string;
  readonly mode: number;
  readonly expectedSha256?: string;
}): Promise<FileDigest> {
  const { from, to, mode, expectedSha256 } = options;
  return replaceAtomically(to, mode, async (handle) => {
    const hash = (await nodeCrypto()).createHash("sha256");
    let size = 0;
    const input = createReadStream(from, { highWaterMark: COPY_CHUNK_BYTES });
    try {
      for await (const chunk of input) {
        const bytes = chunk as Buffer;
        hash.update(bytes);
        size += bytes.length;
        await writeAll(handle, bytes).catch((error: unknown) => {
          throw new FileWriteError(to, error);
        });
      }
    } catch (error) {
      if (error instanceof FileWriteError) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new SourceError(`Cannot read ${from} to install it as ${to} (${code})`, {
        cause: error,
      });
    } finally {
      input.destroy();
    }
    const sha256 = hash.digest("hex");
    if (expectedSha256 !== undefined && sha256 !== expectedSha256.toLowerCase()) {
      throw new SourceError(
        `${from} does not have the expected content: SHA-256 ${sha256}, expected ${expectedSha256.toLowerCase()}; ${to} was left unchanged`,
        { hint: "the source changed since it was planned or locked: run qus plan again" },
      );
    }
    return { sha256, size };
  });
}

/** Writes small content (state file, lock file, binfmt.d file) atomically; mode defaults to 0644. */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  mode = 0o644,
): Promise<void> {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  await replaceAtomically(path, mode, async (handle) => {
    await writeAll(handle, bytes).catch((error: unknown) => {
      throw new FileWriteError(path, error);
    });
  });
}

/** Removes a file; true when it existed, false when it was already gone (not an error). */
export async function removeFile(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw new FileWriteError(path, error);
  }
}
