// P7: a cold install of 5 targets from trixie-backports' QEMU 11 `qemu-user` .deb (20 xz blocks,
// 458 MB unpacked) divided by `dpkg-deb -x` of it, interleaved, each qus run a fresh process with
// an empty cache. qus's side is what follows the download in a Debian install: the SHA-256 check
// of the whole .deb (the Packages index's hash, by qus's sha256File, as when the .deb is taken
// from the cache), then extraction of the wanted emulators (xz
// blocks decoded in parallel, blocks holding no wanted file skipped, each file checked against
// md5sums and as a static ELF). The .deb comes from scripts/fetch-qemu-generations.sh (a private
// APT configuration for trixie-backports on the host's mirror), cached in the shared fixtures.
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describeHost } from "../src/catalog/host.js";
import { sha256File } from "../src/files/hash.js";
import { BlobCache } from "../src/sources/cache.js";
import { extractEmulators } from "../src/sources/debian/extract.js";
import { fixturesDir } from "../test/helpers/fixtures.js";
import { executableV8Flags, projectRoot } from "./context.js";
import { P1_TARGETS } from "./p1-noop-plan.js";
import { ratioFigure, type RatioFigure } from "./stats.js";

const run = promisify(execFile);
const SELF = fileURLToPath(import.meta.url);

/** P7 with the peak memory of qus's runs. */
export interface BackportsFigure extends RatioFigure {
  readonly deb: string;
  readonly maxRssMb: number;
  readonly blockRuns: number;
  readonly tarMb: number;
}

/** The backports .deb, fetched by scripts/fetch-qemu-generations.sh when it is missing. */
async function backportsDeb(): Promise<string> {
  const dir = join(fixturesDir(), "generations", "trixie-backports");
  const find = (): string | undefined =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((name) => name.startsWith("qemu-user_") && name.endsWith(".deb"))
          .sort()
          .at(-1)
      : undefined;
  if (find() === undefined) {
    const script = join(projectRoot(), "scripts", "fetch-qemu-generations.sh");
    if (!existsSync(script))
      throw new Error(
        `P7 needs trixie-backports' qemu-user .deb in ${dir} (scripts/fetch-qemu-generations.sh)`,
      );
    await run("bash", [script], { maxBuffer: 16 * 1024 * 1024 });
  }
  const name = find();
  if (name === undefined) throw new Error(`P7: no qemu-user .deb in ${dir} after fetching`);
  return join(dir, name);
}

interface ChildResult {
  readonly ms: number;
  readonly blockRuns: number;
  readonly tarBytes: number;
}

async function child(deb: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "qus-bench-p7-"));
  const started = performance.now();
  await sha256File(deb);
  const result = await extractEmulators(
    deb,
    P1_TARGETS.map((t) => ({ emulator: `qemu-${t}`, member: `usr/bin/qemu-${t}` })),
    new BlobCache(join(dir, "cache")),
    { host: describeHost("x86_64"), where: "the P7 .deb" },
  );
  const ms = performance.now() - started;
  await rm(dir, { recursive: true, force: true });
  if (result.blobs.size !== P1_TARGETS.length) throw new Error("P7: not every emulator came out");
  const out: ChildResult = {
    ms,
    blockRuns: result.stats.blockRuns,
    tarBytes: result.stats.tarBytesRead,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

async function timedChild(deb: string): Promise<ChildResult & { maxRssKiB: number }> {
  const { stdout, stderr } = await run("/usr/bin/time", [
    "-f",
    "QUS_MAXRSS=%M",
    process.execPath,
    ...executableV8Flags(),
    SELF,
    "--child",
    deb,
  ]);
  const result = JSON.parse(stdout.trim().split("\n").at(-1) as string) as ChildResult;
  return { ...result, maxRssKiB: Number(/QUS_MAXRSS=(\d+)/.exec(stderr)?.[1] ?? "0") };
}

async function dpkgDeb(deb: string): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "qus-bench-p7-dpkg-"));
  const started = performance.now();
  await run("dpkg-deb", ["-x", deb, dir]);
  const ms = performance.now() - started;
  await rm(dir, { recursive: true, force: true });
  return ms;
}

/** Measures P7 over `runs` interleaved pairs. */
export async function benchBackports(runs: number): Promise<BackportsFigure> {
  const deb = await backportsDeb();
  const qusMs: number[] = [];
  const dpkgMs: number[] = [];
  let maxRss = 0;
  let last: ChildResult | undefined;
  for (let i = 0; i < runs; i++) {
    const pair = async (): Promise<void> => {
      const measured = await timedChild(deb);
      last = measured;
      qusMs.push(measured.ms);
      maxRss = Math.max(maxRss, measured.maxRssKiB);
    };
    if (i % 2 === 0) {
      dpkgMs.push(await dpkgDeb(deb));
      await pair();
    } else {
      await pair();
      dpkgMs.push(await dpkgDeb(deb));
    }
  }
  return {
    ...ratioFigure("P7", qusMs, dpkgMs),
    deb: deb.split("/").at(-1) as string,
    maxRssMb: maxRss / 1024,
    blockRuns: last?.blockRuns ?? 0,
    tarMb: (last?.tarBytes ?? 0) / 1e6,
  };
}

if (process.argv[2] === "--child") await child(process.argv[3] as string);
