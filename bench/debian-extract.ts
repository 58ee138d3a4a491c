// Benchmark: cold install of emulators from the loopback Debian fixture archive (InRelease ->
// Packages -> 62.6 MB bookworm .deb -> streaming extraction) against `dpkg-deb -x` of the same
// .deb, in the same run, as a ratio; plus peak RSS. Each measured run is a fresh child process
// with an empty cache, so nothing is warm but the page cache (as for dpkg-deb).
//
// Run (Node 20 cannot run TypeScript directly; compile into node_modules/.cache so imports resolve):
//   npx tsc -p tsconfig.json --outDir node_modules/.cache/qus-bench
//   node node_modules/.cache/qus-bench/bench/debian-extract.js [runs=3]
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
import { debianMirror, startMirrorServer } from "../test/helpers/debian-mirror.js";

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
}

// Child mode: one cold resolve, report time, this process's peak RSS and extraction stats.
async function child(mirrorUrl: string, keyring: string, targets: string[], systemTools: boolean): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "qus-bench-"));
  let stats: ExtractionStats | null = null;
  const source = createDebianSource(
    { type: "debian", suite: "bookworm", security: false, mirror: mirrorUrl, keyring },
    { decompress: { useSystemTools: systemTools }, onExtraction: (s) => (stats = s) },
  );
  const started = performance.now();
  await source.resolve(
    targets.map((t) => `qemu-${t}`),
    { host: describeHost("x86_64"), lockFile: join(dir, "qus.lock.json"), cacheDir: join(dir, "cache"), upgrade: false, env: process.env, requireStatic: true },
  );
  const ms = performance.now() - started;
  await rm(dir, { recursive: true, force: true });
  const result: ChildResult = { ms, nodeMaxRssKiB: process.resourceUsage().maxRSS, stats };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// GNU time's %M is the largest RSS among the child and the processes it waited for (node, xz).
async function measureChild(args: string[]): Promise<ChildResult & { treeMaxRssKiB: number }> {
  const proc = spawn("/usr/bin/time", ["-f", "QUS_MAXRSS=%M", process.execPath, SELF, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => proc.on("close", resolve));
  if (code !== 0) throw new Error(`benchmark child failed (${code}): ${err}`);
  const treeMaxRssKiB = Number(/QUS_MAXRSS=(\d+)/.exec(err)?.[1] ?? "0");
  return { ...(JSON.parse(out.trim().split("\n").at(-1) as string) as ChildResult), treeMaxRssKiB };
}

async function dpkgDebExtract(deb: string): Promise<{ ms: number; maxRssKiB: number }> {
  const dir = await mkdtemp(join(tmpdir(), "qus-bench-dpkg-"));
  const started = performance.now();
  const { stderr } = await run("/usr/bin/time", ["-f", "QUS_MAXRSS=%M", "dpkg-deb", "-x", deb, dir]);
  const ms = performance.now() - started;
  await rm(dir, { recursive: true, force: true });
  return { ms, maxRssKiB: Number(/QUS_MAXRSS=(\d+)/.exec(stderr)?.[1] ?? "0") };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const mb = (kib: number): string => `${(kib / 1024).toFixed(0)} MB`;

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? "3");
  const mirror = await debianMirror();
  const server = await startMirrorServer(mirror);
  const deb = join(mirror.root, mirror.bookwormStatic.filename);
  try {
    console.log(`qus Debian extraction benchmark: ${runs} runs each, medians; ${mirror.bookwormStatic.filename} (${(mirror.bookwormStatic.size / 1e6).toFixed(1)} MB)`);
    for (const [name, targets] of Object.entries(SCENARIOS)) {
      for (const systemTools of [true, false]) {
        const qus: Array<ChildResult & { treeMaxRssKiB: number }> = [];
        const dpkg: Array<{ ms: number; maxRssKiB: number }> = [];
        for (let i = 0; i < runs; i++) {
          // Interleaved, so both see the same machine load.
          dpkg.push(await dpkgDebExtract(deb));
          qus.push(await measureChild(["--child", server.url, mirror.trustedKeyring, targets.join(","), String(systemTools)]));
        }
        const qusMs = median(qus.map((r) => r.ms));
        const dpkgMs = median(dpkg.map((r) => r.ms));
        const stats = qus[0]?.stats;
        console.log(
          [
            `${name.padEnd(9)} decoder=${stats?.decoder ?? "?"}`,
            `qus ${(qusMs / 1000).toFixed(2)} s`,
            `dpkg-deb -x ${(dpkgMs / 1000).toFixed(2)} s`,
            `ratio ${(qusMs / dpkgMs).toFixed(2)}x`,
            `peak RSS node ${mb(Math.max(...qus.map((r) => r.nodeMaxRssKiB)))}, largest process ${mb(Math.max(...qus.map((r) => r.treeMaxRssKiB)))} (dpkg-deb ${mb(Math.max(...dpkg.map((r) => r.maxRssKiB)))})`,
            `tar read ${((stats?.tarBytesRead ?? 0) / 1e6).toFixed(0)} MB, compressed read ${((stats?.compressedBytesRead ?? 0) / 1e6).toFixed(0)}/${((stats?.dataMemberBytes ?? 0) / 1e6).toFixed(0)} MB`,
          ].join(" | "),
        );
        // Every run's figures, for bench/run.ts (npm run bench), which turns them into P2-P4.
        const data = {
          scenario: name, targets, systemTools, decoder: stats?.decoder ?? "?",
          qusMs: qus.map((r) => r.ms), dpkgMs: dpkg.map((r) => r.ms),
          nodeMaxRssKiB: qus.map((r) => r.nodeMaxRssKiB), treeMaxRssKiB: qus.map((r) => r.treeMaxRssKiB), dpkgMaxRssKiB: dpkg.map((r) => r.maxRssKiB),
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
  await child(url as string, keyring as string, (targets as string).split(","), systemTools === "true");
} else {
  await main();
}
