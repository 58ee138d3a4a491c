// Remembers file hashes by identity (device, inode, size, mtime, ctime), so that a plan on a
// converged host does not re-read ~100 MB of emulators. Safe because ctime cannot be set from
// user space: any write, rename-over, chmod or utimes changes it (or the inode), and then the
// file is hashed again. Only root could fake it (by changing the clock mid-write), and root can
// change the emulators anyway. A lost or unreadable cache only costs time.
import { readFile } from "node:fs/promises";
import { statSync, type BigIntStats } from "node:fs";
import { writeFileAtomic } from "./atomic.js";
import { sha256File, type FileDigest } from "./hash.js";

/** Hashes a file, or null when it does not exist. */
export type FileHasher = (path: string) => Promise<FileDigest | null>;

/** A hasher backed by a fingerprint cache, and the way to persist what it learnt. */
export interface HashCache {
  readonly hash: FileHasher;
  /** Writes the cache when it changed; failures are ignored (it is only a cache). */
  save(): Promise<void>;
}

interface Entry {
  readonly id: string;
  readonly sha256: string;
  readonly size: number;
}

const MAX_ENTRIES = 4096;

/** Opens the cache stored in `file` (created on save); null keeps everything in memory. */
export async function openHashCache(file: string | null): Promise<HashCache> {
  const entries = new Map<string, Entry>(file === null ? [] : await load(file));
  let dirty = false;
  return {
    async hash(path) {
      const before = statOrNull(path);
      if (before === null) return null;
      const id = fingerprint(before);
      const known = entries.get(path);
      if (known !== undefined && known.id === id) return { sha256: known.sha256, size: known.size };
      const digest = await sha256File(path);
      const after = statOrNull(path);
      if (after !== null && fingerprint(after) === id) {
        entries.set(path, { id, ...digest });
        dirty = true;
      }
      return digest;
    },
    async save() {
      if (!dirty || file === null) return;
      const kept = [...entries].slice(-MAX_ENTRIES);
      await writeFileAtomic(
        file,
        `${JSON.stringify({ version: 1, files: Object.fromEntries(kept) })}\n`,
        0o644,
      ).catch(() => undefined);
      dirty = false;
    },
  };
}

/** Identity of a file's content as the kernel tracks it; ctime changes with every modification. */
function fingerprint(s: BigIntStats): string {
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

/** Synchronous: a plan asks for every emulator, and each awaited stat is a thread pool round trip. */
function statOrNull(path: string): BigIntStats | null {
  try {
    return statSync(path, { bigint: true });
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === "ENOENT" ||
      (error as NodeJS.ErrnoException).code === "ENOTDIR"
    )
      return null;
    throw error;
  }
}

async function load(file: string): Promise<[string, Entry][]> {
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as {
      version?: number;
      files?: Record<string, Entry>;
    };
    if (parsed.version !== 1 || typeof parsed.files !== "object" || parsed.files === null)
      return [];
    return Object.entries(parsed.files).filter(
      ([, e]) =>
        typeof e?.id === "string" &&
        typeof e.sha256 === "string" &&
        /^[0-9a-f]{64}$/.test(e.sha256) &&
        typeof e.size === "number",
    );
  } catch {
    return [];
  }
}
