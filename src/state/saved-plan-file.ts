// Reads and writes saved plan files. Reading checks the format before anything trusts the
// content: a file that is not a qus plan, or one from an incompatible version, is refused.
import { readFile, stat } from "node:fs/promises";
import { QusError } from "../errors.js";
import { writeFileAtomic } from "../files/atomic.js";
import { validateLock } from "../sources/lock.js";
import { SAVED_PLAN_FORMAT, SAVED_PLAN_VERSION, type SavedPlan } from "../plan/saved-plan.js";

/** Saved plans hold a few kilobytes per target; anything near this is not one. */
const MAX_SAVED_PLAN_BYTES = 16 * 1024 * 1024;

/** Writes a saved plan atomically (mode 0644). */
export async function writeSavedPlan(path: string, saved: SavedPlan): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(saved, null, 2)}\n`, 0o644);
}

/** Reads a saved plan; QusError when it is missing, too big, not JSON, or not a qus plan of this format. */
export async function readSavedPlan(path: string): Promise<SavedPlan> {
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new QusError(`Saved plan ${path} is not a regular file`);
    if (info.size > MAX_SAVED_PLAN_BYTES)
      throw new QusError(`Saved plan ${path} is ${info.size} bytes, too big to be a qus plan`);
    text = await readFile(path, "utf8");
  } catch (error) {
    if (error instanceof QusError) throw error;
    throw new QusError(
      `Cannot read saved plan ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      { cause: error },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new QusError(`Saved plan ${path} is not JSON: ${(error as Error).message}`, {
      cause: error,
      hint: "save a plan with: qus plan --out FILE",
    });
  }
  const record = value as Partial<SavedPlan> | null;
  if (record === null || typeof record !== "object" || record.format !== SAVED_PLAN_FORMAT) {
    throw new QusError(`${path} is not a qus saved plan`, {
      hint: "save a plan with: qus plan --out FILE",
    });
  }
  if (record.format_version !== SAVED_PLAN_VERSION) {
    throw new QusError(
      `Saved plan ${path} has format version ${String(record.format_version)}; this qus reads version ${SAVED_PLAN_VERSION}`,
      {
        hint: "make the plan again with this qus: qus plan --out FILE",
      },
    );
  }
  for (const key of ["config", "desired", "live", "plan", "document", "digests"] as const) {
    if (typeof record[key] !== "object" || record[key] === null)
      throw new QusError(`Saved plan ${path} is incomplete: "${key}" is missing`);
  }
  // The lock apply will write as root: checked like the lock file itself.
  const lock =
    record.resolved_lock === undefined || record.resolved_lock === null
      ? record.resolved_lock
      : validateLock(record.resolved_lock, `${path} (resolved_lock)`);
  return { ...(record as SavedPlan), resolved_lock: lock };
}
