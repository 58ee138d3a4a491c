// Peak memory of a process tree: qus runs `xz` (or worker threads) beside node, so the honest
// peak of a cold install is the largest SUM of the resident sets alive at one moment, not the
// largest single process that GNU time's %M reports. Samples /proc every few milliseconds.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** VmRSS in KiB from the text of /proc/<pid>/status; null when the line is absent (a zombie). */
export function parseVmRssKiB(status: string): number | null {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match === null ? null : Number(match[1]);
}

/** Child pids from the text of /proc/<pid>/task/<tid>/children ("12 34 "). */
export function parseChildren(text: string): number[] {
  return text
    .split(/\s+/)
    .filter((word) => /^\d+$/.test(word))
    .map(Number);
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null; // the process (or thread) ended between two reads
  }
}

function childrenOf(pid: number): number[] {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return []; // ended
  }
  return tids.flatMap((tid) =>
    parseChildren(readOrNull(`/proc/${pid}/task/${tid}/children`) ?? ""),
  );
}

function exeOf(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return null;
  }
}

/**
 * The pids of `root`'s descendants (not `root` itself), children found through every thread.
 * A child still running its parent's program is left out: it is a fork that has not called
 * exec yet (how node starts xz), whose resident pages are all the parent's, shared.
 */
export function descendants(root: number): number[] {
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    const parentExe = parent === root ? null : exeOf(parent);
    for (const child of childrenOf(parent)) {
      if (parentExe !== null && exeOf(child) === parentExe) continue;
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** One process's share of a sample. */
export interface ProcessRss {
  readonly name: string;
  readonly rssKiB: number;
}

/** VmRSS of each of `pids` at this moment, named by /proc/<pid>/comm; ended processes are left out. */
export function rssOf(pids: readonly number[]): ProcessRss[] {
  const out: ProcessRss[] = [];
  for (const pid of pids) {
    const rssKiB = parseVmRssKiB(readOrNull(`/proc/${pid}/status`) ?? "");
    if (rssKiB !== null)
      out.push({ name: (readOrNull(`/proc/${pid}/comm`) ?? "?").trim(), rssKiB });
  }
  return out;
}

/** The largest summed RSS a sampler saw, and who held it at that moment. */
export interface TreePeak {
  readonly peakSumKiB: number;
  readonly atPeak: readonly ProcessRss[];
  readonly samples: number;
}

/** A running sampler; stop() returns the peak. */
export interface TreeSampler {
  stop(): TreePeak;
}

/**
 * Samples the summed RSS of `root`'s descendants every `intervalMs` until stopped. `root` is the
 * measuring wrapper (GNU time), whose own few hundred KiB are left out. Shared pages (libc) are
 * counted once per process, as VmRSS does.
 */
export function sampleTreeRss(root: number, intervalMs = 10): TreeSampler {
  let peak: TreePeak = { peakSumKiB: 0, atPeak: [], samples: 0 };
  let samples = 0;
  const sample = (): void => {
    samples++;
    const now = rssOf(descendants(root));
    const sum = now.reduce((total, p) => total + p.rssKiB, 0);
    if (sum > peak.peakSumKiB) peak = { peakSumKiB: sum, atPeak: now, samples };
  };
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return { ...peak, samples };
    },
  };
}
