// The state file: what qus installed and which emulator content each of its registrations
// pins. The kernel cannot tell which file an F registration holds open, so qus remembers.
import { readFile } from "node:fs/promises";
import { QusError } from "../errors.js";
import { writeFileAtomic } from "../files/atomic.js";
import type { StateRecord } from "../plan/types.js";

/** The state of a host qus has never touched. */
export const EMPTY_STATE: StateRecord = {
  version: 1,
  emulators: {},
  registrations: {},
  binfmtd: {},
};

/** Reads the state file; a missing file is an empty state, a corrupt one an error. */
export async function readState(path: string): Promise<StateRecord> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return EMPTY_STATE;
    throw new QusError(`Cannot read the state file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseStateText(text, path);
}

/** A state file's text as a StateRecord; a corrupt one is a QusError naming `path`. */
export function parseStateText(text: string, path: string): StateRecord {
  try {
    return parseState(JSON.parse(text));
  } catch (error) {
    throw new QusError(`The state file ${path} is corrupt: ${(error as Error).message}`, {
      cause: error,
      hint: `remove it: qus then re-registers its F entries once, since it no longer knows what they pin`,
    });
  }
}

/** Writes the state file atomically, keys sorted so that it diffs well. */
export async function writeState(path: string, state: StateRecord): Promise<void> {
  const sorted: StateRecord = {
    version: 1,
    emulators: sortKeys(state.emulators),
    registrations: sortKeys(state.registrations),
    binfmtd: sortKeys(state.binfmtd ?? {}),
  };
  await writeFileAtomic(path, `${JSON.stringify(sorted, null, 2)}\n`, 0o644);
}

function parseState(value: unknown): StateRecord {
  if (!isObject(value) || value.version !== 1) throw new Error("expected an object with version 1");
  const emulators = value.emulators ?? {};
  const registrations = value.registrations ?? {};
  const binfmtd = value.binfmtd ?? {};
  if (!isObject(emulators) || !isObject(registrations) || !isObject(binfmtd)) {
    throw new Error("emulators, registrations and binfmtd must be objects");
  }
  for (const [path, entry] of Object.entries(emulators)) {
    if (!isObject(entry) || !isSha(entry.sha256) || typeof entry.size !== "number")
      throw new Error(`bad emulator record ${path}`);
  }
  for (const [name, entry] of Object.entries(registrations)) {
    if (!isObject(entry) || !isSha(entry.sha256) || typeof entry.interpreter !== "string")
      throw new Error(`bad registration record ${name}`);
  }
  for (const [path, entry] of Object.entries(binfmtd)) {
    if (!isObject(entry) || !isSha(entry.sha256)) throw new Error(`bad binfmt.d record ${path}`);
  }
  return { version: 1, emulators, registrations, binfmtd } as StateRecord;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isSha(value: unknown): value is string {
  return typeof value === "string" && /^[0-9a-f]{64}$/.test(value);
}

function sortKeys<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(
    Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}
