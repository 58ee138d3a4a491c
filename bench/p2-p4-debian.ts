// P2-P4: runs bench/debian-extract.ts (cold installs from a loopback Debian mirror against
// `dpkg-deb -x` of the same .deb, each run a fresh process) and turns its per-run data into
// figures: P2 one target, P3 five targets, P4 peak RSS. The official figures use qus's default
// decoder choice (a system xz when present); the bundled decoder's figures are printed beside.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchLine, ratioFigure, summarise, type RatioFigure } from "./stats.js";

/** One scenario's runs as debian-extract.ts reports them. */
export interface ExtractData {
  readonly scenario: string;
  readonly targets: readonly string[];
  readonly systemTools: boolean;
  readonly decoder: string;
  readonly qusMs: readonly number[];
  readonly dpkgMs: readonly number[];
  readonly nodeMaxRssKiB: readonly number[];
  readonly treeMaxRssKiB: readonly number[];
  /** Peak of the summed RSS of node and its children (xz) alive at one moment, per run. */
  readonly treeSumMaxRssKiB: readonly number[];
  readonly dpkgMaxRssKiB: readonly number[];
}

/** A cold-install ratio with the data it came from. */
export interface ExtractFigure extends RatioFigure {
  readonly data: ExtractData;
}

/** Runs debian-extract.js (compiled beside this file) with `runs` repetitions per scenario; `onLine` gets its human output. */
export async function benchDebianExtract(
  runs: number,
  onLine: (line: string) => void,
): Promise<ExtractFigure[]> {
  const script = join(dirname(fileURLToPath(import.meta.url)), "debian-extract.js");
  const child = spawn(process.execPath, [script, String(runs)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const data: ExtractData[] = [];
  let pending = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (line.startsWith("DATA ")) data.push(JSON.parse(line.slice(5)) as ExtractData);
      else if (line !== "") onLine(line);
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`bench/debian-extract exited ${code}:\n${stderr}`);
  return data.map((d) => ({ ...ratioFigure(figureId(d), d.qusMs, d.dpkgMs), data: d }));
}

function figureId(data: ExtractData): string {
  const base = data.targets.length === 1 ? "P2" : "P3";
  return data.systemTools ? base : `${base}.bundled`;
}

/**
 * P4's two lines (for people, then `BENCH P4 ...`) for a five-target figure. The verdict uses the
 * largest single process (GNU time's %M over node and the xz children it waited for), as the
 * issue states P4; node alone and the peak of the SUMMED resident memory of node and its
 * children at one moment (sampled) are printed beside it.
 */
export function memoryLines(figure: ExtractFigure, targetMb: number): [string, string] {
  const { data } = figure;
  const id = data.systemTools ? "P4" : "P4.bundled";
  const worst = (kib: readonly number[]): number => Math.max(...kib) / 1024;
  const sumMb = worst(data.treeSumMaxRssKiB);
  const nodeMb = worst(data.nodeMaxRssKiB);
  const largestMb = worst(data.treeMaxRssKiB);
  const dpkgMb = worst(data.dpkgMaxRssKiB);
  const pass = largestMb <= targetMb;
  const human =
    `${id}  peak RSS of the cold install of ${data.targets.length} targets (decoder ${data.decoder}): largest process ${largestMb.toFixed(0)} MB ` +
    `(${pass ? "meets" : "MISSES"} target <= ${targetMb} MB; worst of ${data.treeMaxRssKiB.length}; node alone ${nodeMb.toFixed(0)} MB, node and its children summed ${sumMb.toFixed(0)} MB; dpkg-deb -x ${dpkgMb.toFixed(0)} MB)`;
  const machine = benchLine(id, {
    peak_mb: largestMb,
    largest_process_mb: largestMb,
    node_mb: nodeMb,
    sum_mb: sumMb,
    baseline_mb: dpkgMb,
    n: data.treeMaxRssKiB.length,
    median_largest_mb: summarise(data.treeMaxRssKiB).median / 1024,
    decoder: data.decoder,
    target: targetMb,
    pass: pass ? "yes" : "no",
  });
  return [human, machine];
}
