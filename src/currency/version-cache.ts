// Remembers the QEMU version each emulator content reports, by SHA-256 (in the download
// cache: a plan changes nothing else), so a plan on a
// converged host does not scan ~35 emulators again (7 ms each). Content-addressed: the same
// bytes always say the same version, so entries never go stale; only the file's own name
// is not trusted at all. A lost or unreadable cache only costs time.
import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "../files/atomic.js";
import { readEmulatorVersion } from "./emulator-version.js";

/** Upstream QEMU version of an emulator file, or null when it carries no version text. */
export type VersionReader = (path: string, sha256: string) => Promise<string | null>;

/** A version reader backed by the cache, and the way to persist what it learnt. */
export interface VersionCache {
  readonly versionOf: VersionReader;
  /** Writes the cache when it changed; failures are ignored (it is only a cache). */
  save(): Promise<void>;
}

const MAX_ENTRIES = 1024;
const VERSION = /^\d+\.\d+\.\d+$/;
const SHA256 = /^[0-9a-f]{64}$/;

// Why: plan and status show the QEMU version of every emulator without running any of them.
/** Opens the cache stored in `file` (created on save); null keeps everything in memory. */
export async function openVersionCache(file: string | null): Promise<VersionCache> {
  const entries = new Map<string, string | null>(file === null ? [] : await load(file));
  let dirty = false;
  return {
    async versionOf(path, sha256) {
      const known = entries.get(sha256);
      if (known !== undefined) return known;
      let version: string | null;
      try {
        version = (await readEmulatorVersion(path))?.upstream.text ?? null;
      } catch {
        return null; // unreadable now: not remembered, it may be readable next time
      }
      if (SHA256.test(sha256)) {
        entries.set(sha256, version);
        dirty = true;
      }
      return version;
    },
    async save() {
      if (!dirty || file === null) return;
      const kept = [...entries].slice(-MAX_ENTRIES);
      await writeFileAtomic(
        file,
        `${JSON.stringify({ version: 1, emulators: Object.fromEntries(kept) })}\n`,
        0o644,
      ).catch(() => undefined);
      dirty = false;
    },
  };
}

async function load(file: string): Promise<[string, string | null][]> {
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as {
      version?: number;
      emulators?: Record<string, unknown>;
    };
    if (parsed.version !== 1 || typeof parsed.emulators !== "object" || parsed.emulators === null)
      return [];
    return Object.entries(parsed.emulators).flatMap(([sha, version]) =>
      SHA256.test(sha) &&
      (version === null || (typeof version === "string" && VERSION.test(version)))
        ? [[sha, version] as [string, string | null]]
        : [],
    );
  } catch {
    return [];
  }
}
