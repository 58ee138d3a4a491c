// The lock file change a resolution implies, computed without writing anything: a plan shows it,
// a saved plan carries it, and apply writes it (atomically) only after it succeeded.
import { readFile } from "node:fs/promises";
import { serializeLock, validateLock, writeLockFile, type SourceLock } from "./lock.js";

/** One package whose locked version changes (null: not locked before, or no longer). */
export interface LockedVersionChange {
  readonly package: string;
  readonly before: string | null;
  readonly after: string | null;
}

/** What writing the resolved lock would change. */
export interface LockChange {
  readonly path: string;
  /** create: no lock file yet; update: the file's text differs. */
  readonly action: "create" | "update";
  readonly after: SourceLock;
  readonly packages: readonly LockedVersionChange[];
  /** Emulators the lock starts or stops recording. */
  readonly emulatorsAdded: readonly string[];
  readonly emulatorsRemoved: readonly string[];
}

/** Compares the resolved lock with the file; null when the file already says exactly this. */
export async function lockChange(path: string, after: SourceLock): Promise<LockChange | null> {
  const text = await readFile(path, "utf8").catch(() => null);
  if (text === serializeLock(after)) return null;
  const before = text === null ? null : parseLenient(text, path);
  return {
    path,
    action: text === null ? "create" : "update",
    after,
    packages: versionChanges(before, after),
    emulatorsAdded: Object.keys(after.emulators)
      .filter((name) => before?.emulators[name] === undefined)
      .sort(),
    emulatorsRemoved: Object.keys(before?.emulators ?? {})
      .filter((name) => after.emulators[name] === undefined)
      .sort(),
  };
}

/** Apply's last step: writes the planned lock (atomically; nothing when already equal). */
export async function persistLockChange(change: LockChange | null): Promise<void> {
  if (change !== null) await writeLockFile(change.path, change.after);
}

/** A corrupt lock being replaced (--upgrade) reads as no lock. */
function parseLenient(text: string, path: string): SourceLock | null {
  try {
    return validateLock(JSON.parse(text), path);
  } catch {
    return null;
  }
}

function versionChanges(before: SourceLock | null, after: SourceLock): LockedVersionChange[] {
  const old = new Map((before?.packages ?? []).map((p) => [p.package, p.version]));
  const now = new Map(after.packages.map((p) => [p.package, p.version]));
  const names = [...new Set([...old.keys(), ...now.keys()])].sort();
  return names
    .map((name) => ({ package: name, before: old.get(name) ?? null, after: now.get(name) ?? null }))
    .filter((change) => change.before !== change.after);
}
