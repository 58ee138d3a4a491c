// qus.lock.json: what a distribution source resolved (which package, version and file, and the
// SHA-256 of every emulator taken from it), so later runs install exactly that, offline, until
// the user asks for an upgrade. Shared by the Debian and Fedora sources. The file is written
// atomically, with a stable key order and one field per line, so it diffs well in review.
import { readFile } from "node:fs/promises";
import { SourceError } from "../errors.js";
import { writeFileAtomic } from "../files/atomic.js";

/** Bumped when the format changes incompatibly; older qus refuses newer files. */
export const LOCKFILE_VERSION = 1;

/** A package file the emulators were extracted from. */
export interface LockedPackage {
  readonly package: string;
  readonly version: string;
  readonly architecture: string;
  /** Path relative to the mirror root, as the index gave it. */
  readonly filename: string;
  readonly size: number;
  readonly sha256: string;
}

/** One extracted emulator. */
export interface LockedEmulator {
  readonly sha256: string;
  readonly size: number;
  /** Name of the package (in `packages`) it came from. */
  readonly package: string;
}

/** The whole lock file. `source` identifies what was resolved (type, suite, pin...). */
export interface SourceLock {
  readonly lockfileVersion: number;
  readonly source: Readonly<Record<string, string | boolean>>;
  readonly packages: readonly LockedPackage[];
  /** Emulator program name (qemu-aarch64) -> what was extracted. */
  readonly emulators: Readonly<Record<string, LockedEmulator>>;
}

function corrupt(path: string, problem: string, cause?: unknown): SourceError {
  return new SourceError(`Lock file ${path} is not valid: ${problem}`, {
    cause,
    hint: "fix or delete it, or run with --upgrade to resolve again and rewrite it",
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function requireString(value: unknown, path: string, where: string): string {
  if (typeof value !== "string" || value === "")
    throw corrupt(path, `${where} must be a non-empty string`);
  return value;
}

function requireSize(value: unknown, path: string, where: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0)
    throw corrupt(path, `${where} must be a byte count`);
  return value;
}

function requireSha256(value: unknown, path: string, where: string): string {
  if (typeof value !== "string" || !/^[0-9a-f]{64}$/.test(value))
    throw corrupt(path, `${where} must be a lowercase hex SHA-256`);
  return value;
}

/** Checks a parsed lock document; throws SourceError naming the file and the bad field. */
export function validateLock(document: unknown, path: string): SourceLock {
  if (!isRecord(document)) throw corrupt(path, "not a JSON object");
  const version = document.lockfileVersion;
  if (version !== LOCKFILE_VERSION) {
    throw corrupt(
      path,
      `lockfileVersion is ${JSON.stringify(version)}; this qus reads version ${LOCKFILE_VERSION}`,
    );
  }
  const source = document.source;
  if (!isRecord(source) || typeof source.type !== "string")
    throw corrupt(path, "source must be an object with a type");
  for (const [key, value] of Object.entries(source)) {
    if (typeof value !== "string" && typeof value !== "boolean")
      throw corrupt(path, `source.${key} must be a string or boolean`);
  }
  const packagesValue = document.packages;
  if (!Array.isArray(packagesValue)) throw corrupt(path, "packages must be an array");
  const packages = packagesValue.map((entry: unknown, index): LockedPackage => {
    const where = `packages[${index}]`;
    if (!isRecord(entry)) throw corrupt(path, `${where} must be an object`);
    return {
      package: requireString(entry.package, path, `${where}.package`),
      version: requireString(entry.version, path, `${where}.version`),
      architecture: requireString(entry.architecture, path, `${where}.architecture`),
      filename: requireString(entry.filename, path, `${where}.filename`),
      size: requireSize(entry.size, path, `${where}.size`),
      sha256: requireSha256(entry.sha256, path, `${where}.sha256`),
    };
  });
  const emulatorsValue = document.emulators;
  if (!isRecord(emulatorsValue)) throw corrupt(path, "emulators must be an object");
  const emulators: Record<string, LockedEmulator> = {};
  for (const [name, entry] of Object.entries(emulatorsValue)) {
    const where = `emulators.${name}`;
    if (!/^[a-z0-9][a-z0-9_.+-]*$/.test(name))
      throw corrupt(path, `${JSON.stringify(name)} is not an emulator name`);
    if (!isRecord(entry)) throw corrupt(path, `${where} must be an object`);
    const packageName = requireString(entry.package, path, `${where}.package`);
    if (!packages.some((p) => p.package === packageName))
      throw corrupt(path, `${where}.package ${packageName} is not in packages`);
    emulators[name] = {
      sha256: requireSha256(entry.sha256, path, `${where}.sha256`),
      size: requireSize(entry.size, path, `${where}.size`),
      package: packageName,
    };
  }
  return {
    lockfileVersion: LOCKFILE_VERSION,
    source: { ...source } as Record<string, string | boolean>,
    packages,
    emulators,
  };
}

/** Reads the lock file; null when it does not exist. A corrupt file throws SourceError. */
export async function readLockFile(path: string): Promise<SourceLock | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    throw new SourceError(`Cannot read lock file ${path} (${code ?? String(error)})`, {
      cause: error,
    });
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw corrupt(path, `not JSON (${(error as Error).message})`, error);
  }
  return validateLock(document, path);
}

/**
 * The lock a resolution starts from: the one the caller hands over (a saved plan's), else the
 * file's. With --upgrade a corrupt file does not stand in the way: it is resolved again anyway.
 */
export async function startingLock(context: {
  readonly lockFile: string;
  readonly lock?: SourceLock | null;
  readonly upgrade: boolean;
}): Promise<SourceLock | null> {
  if (context.lock !== undefined) return context.lock;
  return readLockFile(context.lockFile).catch((error: unknown) => {
    if (context.upgrade && error instanceof SourceError) return null;
    throw error;
  });
}

/** The file's text: fixed key order, packages and emulators sorted by name, trailing newline. */
export function serializeLock(lock: SourceLock): string {
  const source: Record<string, string | boolean> = { type: lock.source.type as string };
  for (const key of Object.keys(lock.source)
    .filter((k) => k !== "type")
    .sort())
    source[key] = lock.source[key] as string | boolean;
  const packages = [...lock.packages]
    .sort((a, b) => (a.package < b.package ? -1 : a.package > b.package ? 1 : 0))
    .map((p) => ({
      package: p.package,
      version: p.version,
      architecture: p.architecture,
      filename: p.filename,
      size: p.size,
      sha256: p.sha256,
    }));
  const emulators: Record<string, LockedEmulator> = {};
  for (const name of Object.keys(lock.emulators).sort()) {
    const e = lock.emulators[name] as LockedEmulator;
    emulators[name] = { sha256: e.sha256, size: e.size, package: e.package };
  }
  return `${JSON.stringify({ lockfileVersion: LOCKFILE_VERSION, source, packages, emulators }, null, 2)}\n`;
}

/**
 * Writes the lock atomically, only when its content changes; returns whether it wrote. The
 * previous file stays intact if anything fails.
 */
export async function writeLockFile(path: string, lock: SourceLock): Promise<boolean> {
  const text = serializeLock(lock);
  const current = await readFile(path, "utf8").catch(() => null);
  if (current === text) return false;
  await writeFileAtomic(path, text, 0o644);
  return true;
}

/** Whether two lock `source` records name the same thing (every key equal, none missing). */
export function sameLockSource(
  a: Readonly<Record<string, string | boolean>>,
  b: Readonly<Record<string, string | boolean>>,
): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}
