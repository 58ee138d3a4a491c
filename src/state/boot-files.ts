// The binfmt.d files systemd-binfmt would read at boot from the directories below binfmtDDir
// (/run/binfmt.d, /usr/local/lib/binfmt.d, /usr/lib/binfmt.d): one per basename, the first
// directory winning, as systemd does. The planner masks those that register entries qus manages.
import { readdir } from "node:fs/promises";
import { maskableDirs } from "../plan/boot-masks.js";
import type { Desired } from "../plan/types.js";

/** The paths of the boot files a mask in binfmtDDir could override; none unless persist. */
export async function bootFilePaths(desired: Desired): Promise<string[]> {
  if (desired.persist !== true || desired.binfmtDDir === undefined) return [];
  const seen = new Set<string>();
  const paths: string[] = [];
  for (const dir of maskableDirs(desired.binfmtDDir)) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith(".conf")).sort()) {
      if (seen.has(name)) continue;
      seen.add(name);
      paths.push(`${dir}/${name}`);
    }
  }
  return paths;
}

/** Where a mask of each boot file would be: its basename in binfmtDDir. */
export function maskPaths(desired: Desired, bootFiles: readonly string[]): string[] {
  const dir = (desired.binfmtDDir ?? "").replace(/\/+$/, "");
  return bootFiles.map((path) => `${dir}/${path.slice(path.lastIndexOf("/") + 1)}`);
}
