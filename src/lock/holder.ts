// Who holds the apply lock and whether that process still exists. A pid alone is not enough:
// after a reboot or a long time the same number may belong to another process, so the lock also
// records the boot and the process's start time (field 22 of /proc/<pid>/stat).
import { readFile } from "node:fs/promises";

/** What the lock file says about its holder. */
export interface LockHolder {
  readonly pid: number;
  /** ISO time the lock was taken. */
  readonly since: string;
  /** What the holder runs, e.g. "qus apply". */
  readonly command: string;
  /** /proc/sys/kernel/random/boot_id when taken, or null where unknown. */
  readonly bootId: string | null;
  /** The holder's start time in clock ticks since boot, or null where unknown. */
  readonly startTime: string | null;
}

/** This process as a lock holder. */
export async function currentHolder(command: string, now: Date): Promise<LockHolder> {
  const [bootId, startTime] = await Promise.all([readBootId(), readStartTime(process.pid)]);
  return { pid: process.pid, since: now.toISOString(), command, bootId, startTime };
}

/** Parses a lock file's text; null when it is not a complete holder record. */
export function parseHolder(text: string): LockHolder | null {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    if (
      !Number.isSafeInteger(value.pid) ||
      (value.pid as number) <= 0 ||
      typeof value.since !== "string"
    )
      return null;
    return {
      pid: value.pid as number,
      since: value.since,
      command: typeof value.command === "string" ? value.command : "qus",
      bootId: typeof value.bootId === "string" ? value.bootId : null,
      startTime: typeof value.startTime === "string" ? value.startTime : null,
    };
  } catch {
    return null;
  }
}

/** True when the recorded process is certainly gone (dead, another boot, or its pid reused). */
export async function holderIsGone(holder: LockHolder): Promise<boolean> {
  const bootId = await readBootId();
  if (holder.bootId !== null && bootId !== null && holder.bootId !== bootId) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else; it is alive.
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return true;
  }
  if (holder.startTime === null) return false;
  const startTime = await readStartTime(holder.pid);
  return startTime !== null && startTime !== holder.startTime;
}

async function readBootId(): Promise<string | null> {
  try {
    return (await readFile("/proc/sys/kernel/random/boot_id", "utf8")).trim() || null;
  } catch {
    return null;
  }
}

/** Field 22 of /proc/<pid>/stat, read after the command name (which may contain spaces or parentheses). */
async function readStartTime(pid: number): Promise<string | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null;
  } catch {
    return null;
  }
}
