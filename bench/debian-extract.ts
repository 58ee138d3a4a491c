// Benchmark: cold install of emulators from the loopback Debian fixture archive (InRelease ->
// Packages -> 62.6 MB bookworm .deb -> extraction) against `dpkg-deb -x` of the same .deb, in
// the same run, as a ratio; plus peak memory: of node, of the largest process, and of node and
// its children together (sampled, see rss-tree.ts), and where the time went (metadata, .deb
// download, the rest; CPU of node and of its children). Each measured run is a fresh child
// process with an empty cache, so nothing is warm but the page cache (as for dpkg-deb).
//
// Run (Node 20 cannot run TypeScript directly; compile into node_modules/.cache so imports resolve):
//   npx tsc -p tsconfig.json --outDir node_modules/.cache/qus-bench
//   node node_modules/.cache/qus-bench/bench/debian-extract.js [runs=3] [5:system,5:bundled,1:system,1:bundled]
// Targets from the issue: one target <= 0.5x dpkg-deb, five <= 1.0x, peak RSS <= 150 MB.
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describeHost } from "../src/catalog/host.js";
import { createDebianSource } from "../src/sources/debian/source.js";
import type { ExtractionStats } from "../src/sources/debian/extract.js";
import type { ProgressEvent } from "../src/sources/types.js";
import { debianMirror, startMirrorServer } from "../test/helpers/debian-mirror.js";
import { executableV8Flags } from "./context.js";
import { sampleTreeRss, type TreePeak } from "./rss-tree.js";

const run = promisify(execFile);
const SELF = fileURLToPath(import.meta.url);
const SCENARIOS: Record<string, readonly string[]> = {
  "1 target": ["aarch64"],
  "5 targets": ["aarch64", "arm", "riscv64", "ppc64le", "s390x"],
};

interface ChildResult {
  readonly ms: number;
  readonly nodeMaxRssKiB: number;
  readonly stats: ExtractionStats | null;
  /** When the .deb's first and last bytes arrived, in ms after resolve() started. */
  readonly debFirstByteMs: number;
  readonly debLastByteMs: number;
  /** CPU time of the node process itself (user + system, ms). */
  readonly nodeCpuMs: number;
}

// Child mode: one cold resolve, report time, this process's peak RSS and extraction stats.
async function child(
  mirrorUrl: string,
  keyring: string,
  targets: string[],
  systemTools: boolean,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "qus-bench-"));
  let stats: ExtractionStats | null = null;
  const source = createDebianSource(
    { type: "debian", suites: ["bookworm"], security: false, mirror: mirrorUrl, keyring },
    { decompress: { useSystemTools: systemTools }, onExtraction: (s) => (stats = s) },
  );
  let debFirstByteMs = 0;
  let debLastByteMs = 0;
  const onProgress = (event: ProgressEvent): void => {
    if (!event.label.endsWith(".deb")) return;
    if (debFirstByteMs === 0) debFirstByteMs = performance.now() - started;
    if (event.receivedBytes === event.totalBytes) debLastByteMs = performance.now() - started;
  };
  const started = performance.now();
  await source.resolve(
    targets.map((t) => `qemu-${t}`),
    {
      host: describeHost("x86_64"),
      lockFile: join(dir, "qus.lock.json"),
      cacheDir: join(dir, "cache"),
      upgrade: false,
      env: process.env,
      requireStatic: true,
      onProgress,
    },
  );
  const ms = performance.now() - started;
  const usage = process.resourceUsage();
  await rm(dir, { recursive: true, force: true });
  const result: ChildResult = {
    ms,
    nodeMaxRssKiB: usage.maxRSS,
    stats,
    debFirstByteMs,
    debLastByteMs,
    nodeCpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

interface MeasuredChild extends ChildResult {
  /** GNU time's %M: the largest RSS among the child and the processes it waited for (node, xz). */
  readonly treeMaxRssKiB: number;
  /** GNU time's %U + %S: CPU time of node and the children it waited for (xz), ms. */
  readonly treeCpuMs: number;
  /** The largest SUM of the RSS of node and its children alive at one moment (sampled). */
  readonly treeSumPeak: TreePeak;
}

async function measureChild(args: string[]): Promise<MeasuredChild> {
  // Run as the executable runs qus: with its V8 flags (its young generation size sets the peak).
  const proc = spawn(
    "/usr/bin/time",
    ["-f", "QUS_MAXRSS=%M QUS_CPU=%U+%S", process.execPath, ...executableV8Flags(), SELF, ...args],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const sampler = sampleTreeRss(proc.pid as number);
  let out = "";
  let err = "";
  proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => proc.on("close", resolve));
  const treeSumPeak = sampler.stop();
  if (code !== 0) throw new Error(`benchmark child failed (${code}): ${err}`);
  const treeMaxRssKiB = Number(/QUS_MAXRSS=(\d+)/.exec(err)?.[1] ?? "0");
  const cpu = /QUS_CPU=([\d.]+)\+([\d.]+)/.exec(err);
  const treeCpuMs = cpu === null ? 0 : (Number(cpu[1]) + Number(cpu[2])) * 1000;
  return {
    ...(JSON.parse(out.trim().split("\n").at(-1) as string) as ChildResult),
    treeMaxRssKiB,
    treeCpuMs,
    treeSumPeak,
  };
}

async function dpkgDebExtract(deb: string): Promise<{ ms: number; maxRssKiB: number }> {
  const dir = await mkdtemp(join(tmpdir(), "qus-bench-dpkg-"));
  const started = performance.now();
  const { stderr } = await run("/usr/bin/time", [
    "-f",
    "QUS_MAXRSS=%M",
    "dpkg-deb",
    "-x",
    deb,
    dir,
  ]);
  const ms = performance.now() - started;
  await rm(dir, { recursive: true, force: true });
  return { ms, maxRssKiB: Number(/QUS_MAXRSS=(\d+)/.exec(stderr)?.[1] ?? "0") };
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const mb = (kib: number): string => `${(kib / 1024).toFixed(0)} MB`;

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? "3");
  // Optional second argument, e.g. "5:system,5:bundled": only those scenarios (for profiling).
  const only = process.argv[3]?.split(",");
  const selected = (targets: readonly string[], systemTools: boolean): boolean =>
    only === undefined || only.includes(`${targets.length}:${systemTools ? "system" : "bundled"}`);
  const mirror = await debianMirror();
  const server = await startMirrorServer(mirror);
  const deb = join(mirror.root, mirror.bookwormStatic.filename);
  try {
    console.log(
      `qus Debian extraction benchmark: ${runs} runs each, medians; ${mirror.bookwormStatic.filename} (${(mirror.bookwormStatic.size / 1e6).toFixed(1)} MB); qus runs with the executable's V8 flags ${executableV8Flags().join(" ")}`,
    );
    for (const [name, targets] of Object.entries(SCENARIOS)) {
      for (const systemTools of [true, false]) {
        if (!selected(targets, systemTools)) continue;
        const qus: MeasuredChild[] = [];
        const dpkg: Array<{ ms: number; maxRssKiB: number }> = [];
        for (let i = 0; i < runs; i++) {
          // Interleaved, so both see the same machine load.
          dpkg.push(await dpkgDebExtract(deb));
          qus.push(
            await measureChild([
              "--child",
              server.url,
              mirror.trustedKeyring,
              targets.join(","),
              String(systemTools),
            ]),
          );
        }
        const qusMs = median(qus.map((r) => r.ms));
        const dpkgMs = median(dpkg.map((r) => r.ms));
        const stats = qus[0]?.stats;
        const med = (pick: (r: MeasuredChild) => number): string =>
          median(qus.map(pick)).toFixed(0);
        const worstSum = qus.reduce((a, b) =>
          b.treeSumPeak.peakSumKiB > a.treeSumPeak.peakSumKiB ? b : a,
        );
        console.log(
          [
            `${name.padEnd(9)} decoder=${stats?.decoder ?? "?"}`,
            `qus ${(qusMs / 1000).toFixed(2)} s`,
            `dpkg-deb -x ${(dpkgMs / 1000).toFixed(2)} s`,
            `ratio ${(qusMs / dpkgMs).toFixed(2)}x`,
            `peak RSS node ${mb(Math.max(...qus.map((r) => r.nodeMaxRssKiB)))}, largest process ${mb(Math.max(...qus.map((r) => r.treeMaxRssKiB)))}, ` +
              `sum ${mb(worstSum.treeSumPeak.peakSumKiB)} (${worstSum.treeSumPeak.atPeak.map((p) => `${p.name} ${mb(p.rssKiB)}`).join(" + ")}) (dpkg-deb ${mb(Math.max(...dpkg.map((r) => r.maxRssKiB)))})`,
            `phases (median): metadata ${med((r) => r.debFirstByteMs)} ms, .deb download ${med((r) => r.debLastByteMs - r.debFirstByteMs)} ms, ` +
              `after it ${med((r) => r.ms - r.debLastByteMs)} ms; CPU node ${med((r) => r.nodeCpuMs)} ms, children ${med((r) => r.treeCpuMs - r.nodeCpuMs)} ms`,
            `tar read ${((stats?.tarBytesRead ?? 0) / 1e6).toFixed(0)} MB${(stats?.blockRuns ?? 0) > 0 ? ` by ${stats?.blockRuns} block runs` : ` from the start (${stats?.blocksNotUsed ?? "?"})`}, compressed read ${((stats?.compressedBytesRead ?? 0) / 1e6).toFixed(0)}/${((stats?.dataMemberBytes ?? 0) / 1e6).toFixed(0)} MB`,
          ].join(" | "),
        );
        // Every run's figures, for bench/run.ts (npm run bench), which turns them into P2-P4.
        const data = {
          scenario: name,
          targets,
          systemTools,
          decoder: stats?.decoder ?? "?",
          qusMs: qus.map((r) => r.ms),
          dpkgMs: dpkg.map((r) => r.ms),
          nodeMaxRssKiB: qus.map((r) => r.nodeMaxRssKiB),
          treeMaxRssKiB: qus.map((r) => r.treeMaxRssKiB),
          treeSumMaxRssKiB: qus.map((r) => r.treeSumPeak.peakSumKiB),
          dpkgMaxRssKiB: dpkg.map((r) => r.maxRssKiB),
        };
        console.log(`DATA ${JSON.stringify(data)}`);
      }
    }
  } finally {
    await server.stop();
  }
}

if (process.argv[2] === "--child") {
  const [, , , url, keyring, targets, systemTools] = process.argv;
  await child(
    url as string,
    keyring as string,
    (targets as string).split(","),
    systemTools === "true",
  );
} else {
  await main();
}
