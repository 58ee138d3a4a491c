// P6: `qus run -- ./busybox true` (an aarch64 busybox) with 5 targets and a warm cache (emulators
// already in qus run's cache, as on every run after the first), divided by `node -e 0`. qus run
// makes its own user namespace and private binfmt_misc, so both sides run straight from this
// process, interleaved and in alternating order. The config sets cacheDir, and
// NODE_COMPILE_CACHE qus's code cache, to a temporary directory, so nothing is written outside it
// (not /var/cache/qus when the bench runs as root).
import { spawn } from "node:child_process";
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { foreignBusybox, qemuDir } from "../test/helpers/fixtures.js";
import { P1_TARGETS, type QusCommand } from "./p1-noop-plan.js";
import { ratioFigure, type RatioFigure } from "./stats.js";

const WARMUP_RUNS = 2;

interface Timed {
  readonly ms: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function timed(
  argv: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string>>,
): Promise<Timed> {
  const [cmd, ...args] = argv as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.once("error", reject);
    child.once("close", (code) =>
      resolve({ ms: performance.now() - started, code, stdout, stderr }),
    );
  });
}

/** Measures P6 over `runs` interleaved pairs; throws when qus run does not run the binary. */
export async function benchRun(runs: number, qus: QusCommand): Promise<RatioFigure> {
  const dir = await mkdtemp(join(tmpdir(), "qus-bench-p6-"));
  try {
    await copyFile(foreignBusybox(), join(dir, "busybox"));
    await writeFile(
      join(dir, "qus.config.json"),
      `${JSON.stringify({ targets: P1_TARGETS, source: { type: "local", path: qemuDir() }, cacheDir: join(dir, "cache") })}\n`,
    );
    // qus's code cache in dir too (as root it would be /var/cache/qus/code-cache), both sides.
    const env = {
      HOME: join(dir, "home"),
      NODE_COMPILE_CACHE: join(dir, "code-cache"),
      ...qus.env,
    };
    const run = async (what: readonly string[]): Promise<Timed> => {
      const result = await timed([...qus.argv, "run", "--", "./busybox", ...what], dir, env);
      if (result.code !== 0 || !result.stderr.includes("registered in a private binfmt_misc"))
        throw new Error(
          `P6: qus run exited ${result.code}; it printed:\n${result.stdout}${result.stderr}`,
        );
      return result;
    };
    const first = await run(["uname", "-m"]); // fills the cache; proves the binary really runs
    if (first.stdout.trim() !== "aarch64")
      throw new Error(`P6: busybox uname -m printed ${JSON.stringify(first.stdout)}`);
    const qusRun = () => run(["true"]);
    const bareNode = () => timed([process.execPath, "-e", "0"], dir, env);
    for (let i = 0; i < WARMUP_RUNS; i++) {
      await qusRun();
      await bareNode();
    }
    const qusMs: number[] = [];
    const nodeMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      if (i % 2 === 0) {
        qusMs.push((await qusRun()).ms);
        nodeMs.push((await bareNode()).ms);
      } else {
        nodeMs.push((await bareNode()).ms);
        qusMs.push((await qusRun()).ms);
      }
    }
    return ratioFigure(qus.id, qusMs, nodeMs);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
