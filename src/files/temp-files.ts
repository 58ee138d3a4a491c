// Temp files qus writes before renaming them into place: their names, the ones still open in
// this process (removed at once if a signal ends it), and the sweep of ones a killed run left.
import { rmSync } from "node:fs";
import { lstat, readdir, rm } from "node:fs/promises";
import { join } from "node:path";

/** `.qus-tmp-<target name>-<12 hex>`: what files/atomic.ts names its temp files. */
export const ATOMIC_TEMP_PATTERN = /^\.qus-tmp-.+-[0-9a-f]{12}$/;

const openTemps = new Set<string>();
let signalsHooked = false;

/**
 * Records a temp file this process is writing; until `forgetTemp`, a SIGINT or SIGTERM that ends
 * the process removes it first (then the signal's default action goes on), so no partial file stays.
 */
export function trackTemp(path: string): void {
  openTemps.add(path);
  if (signalsHooked) return;
  signalsHooked = true;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      // Someone else handles the signal (apply stops between steps): leave it to them.
      if (process.listenerCount(signal) > 1) return;
      removeOpenTempsSync();
      process.kill(process.pid, signal);
    });
  }
  process.once("exit", removeOpenTempsSync);
}

/** The temp file was renamed into place or removed: nothing to clean up any more. */
export function forgetTemp(path: string): void {
  openTemps.delete(path);
}

function removeOpenTempsSync(): void {
  for (const path of openTemps) rmSync(path, { force: true });
  openTemps.clear();
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.removeAllListeners(signal);
}

/**
 * Removes the files in `dirs` whose names match `pattern` and that were last changed before
 * `olderThanMs` (epoch ms): leftovers of a run that was killed. Links are removed, never followed;
 * directories and other files are left alone. Returns the paths removed.
 */
export async function sweepTempLeftovers(
  dirs: readonly string[],
  pattern: RegExp,
  olderThanMs: number,
): Promise<string[]> {
  const removed: string[] = [];
  for (const dir of new Set(dirs)) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (!pattern.test(name)) continue;
      const path = join(dir, name);
      const info = await lstat(path).catch(() => null);
      if (info === null || info.isDirectory() || info.mtimeMs >= olderThanMs) continue;
      if (!info.isFile() && !info.isSymbolicLink()) continue;
      await rm(path, { force: true });
      removed.push(path);
    }
  }
  return removed;
}
