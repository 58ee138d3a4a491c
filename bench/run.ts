// `npm run bench`: the eight figures (P1, P1n, P2..P7) in one command. Each ratio is
// measured against its baseline in the same run (interleaved pairs, medians), and each figure
// prints a line for people and a `BENCH <id> key=value ...` line for scripts. Kernel parts run in
// private binfmt_misc instances. NODE_EXTRA_CA_CERTS is unset for every measurement (Node 20
// parses that bundle at every start); when the environment had it, the start-up figures are
// measured a second time with it set and printed as <id>.extra_ca. P1 and P6 run the x64
// standalone executable, built from the current sources by the release scripts (cached).
//
//   npm run bench                      all figures
//   npm run bench -- --only P1n,P5     some of them (P2, P3 and P4 come from one run)
//   npm run bench -- --runs 3          repetitions per figure (default: P1 15, P5 7, P6 9, P2-P4 and P7 3)
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg, release } from "node:os";
import { standaloneExecutable } from "./context.js";
import { benchNoopPlan, npmEntry, type QusCommand } from "./p1-noop-plan.js";
import { benchDebianExtract, memoryLines, type ExtractFigure } from "./p2-p4-debian.js";
import { benchApplyFromEmpty } from "./p5-apply-from-empty.js";
import { benchRun } from "./p6-run.js";
import { benchBackports } from "./p7-backports.js";
import { ratioHuman, ratioLine, type RatioFigure } from "./stats.js";

/** Targets from issue 16 (ratios: at most; P4: MB at most, largest process). */
const TARGETS = {
  P1: 1.3,
  P1n: 2.0,
  P2: 0.3,
  P3: 0.5,
  P4: 100,
  P5: 1.8,
  P6: 1.8,
  P7: 0.5,
} as const;
const DEFAULT_RUNS = { P1: 15, P5: 7, P6: 9, debian: 3, P7: 3 } as const;
const ALL = ["P1", "P1N", "P2", "P3", "P4", "P5", "P6", "P7"];
const EXTRA_CA = "NODE_EXTRA_CA_CERTS";

interface Options {
  readonly only: ReadonlySet<string>;
  readonly runs: number | undefined;
}

function parseOptions(argv: readonly string[]): Options {
  let only = new Set(ALL);
  let runs: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--only")
      only = new Set(
        (argv[++i] ?? "")
          .toUpperCase()
          .split(",")
          .filter((s) => s !== ""),
      );
    else if (arg === "--runs") runs = Number(argv[++i]);
    else throw new Error(`unknown argument ${arg}; usage: run.js [--only P1n,P5] [--runs N]`);
  }
  if (runs !== undefined && !(Number.isInteger(runs) && runs >= 1))
    throw new Error("--runs expects a whole number >= 1");
  return { only, runs };
}

/** The machine the figures came from, as the README shows it. */
function describeMachine(): string {
  let cpu = "unknown CPU";
  try {
    cpu =
      /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux /proc: keep "unknown CPU"
  }
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
  return `${cpu}, ${availableParallelism()} CPUs, Linux ${release()}, Node ${process.version}, load average ${load}`;
}

function printDebian(figures: readonly ExtractFigure[], only: ReadonlySet<string>): void {
  for (const figure of figures) {
    const base = figure.id.replace(/\..*/, "") as "P2" | "P3";
    if (!only.has(base)) continue;
    const what = `cold install of ${figure.data.targets.join(" ")} (decoder ${figure.data.decoder})`;
    console.log(ratioHuman(figure, what, "dpkg-deb -x", TARGETS[base]));
    console.log(
      ratioLine(figure, TARGETS[base], {
        decoder: figure.data.decoder,
        targets: figure.data.targets.length,
      }),
    );
  }
  if (!only.has("P4")) return;
  for (const figure of figures.filter((f) => f.data.targets.length > 1)) {
    for (const line of memoryLines(figure, TARGETS.P4)) console.log(line);
  }
}

/** Prints a start-up figure: without the extra CA bundle, then (when the host sets one) with it. */
async function startupFigure(
  id: "P1" | "P1n" | "P6",
  argv: readonly string[],
  extraCa: string | undefined,
  measure: (qus: QusCommand) => Promise<RatioFigure>,
  what: string,
): Promise<void> {
  const figure = await measure({ id, argv });
  console.log(ratioHuman(figure, `${what}, ${EXTRA_CA} unset`, "node -e 0", TARGETS[id]));
  console.log(ratioLine(figure, TARGETS[id]));
  if (extraCa === undefined) return;
  const withCa = await measure({ id: `${id}.extra_ca`, argv, env: { [EXTRA_CA]: extraCa } });
  console.log(
    ratioHuman(withCa, `${what}, with ${EXTRA_CA} set on both sides`, "node -e 0", TARGETS[id]),
  );
  console.log(ratioLine(withCa, TARGETS[id]));
}

async function main(): Promise<void> {
  const { only, runs } = parseOptions(process.argv.slice(2));
  // Unset for every child (the sandbox and the spawns inherit this process's environment).
  const extraCa = process.env[EXTRA_CA];
  delete process.env[EXTRA_CA];
  console.log(`qus benchmarks on ${describeMachine()}, ${new Date().toISOString()}`);
  console.log(
    "Ratios are medians of interleaved pairs; on a shared machine single runs vary, see each spread.",
  );
  const exe = only.has("P1") || only.has("P6") ? await standaloneExecutable() : undefined;
  if (exe !== undefined && only.has("P1"))
    await startupFigure(
      "P1",
      [exe],
      extraCa,
      (q) => benchNoopPlan(runs ?? DEFAULT_RUNS.P1, q),
      "qus plan (standalone executable), converged, 5 targets",
    );
  if (only.has("P1N"))
    await startupFigure(
      "P1n",
      npmEntry(),
      extraCa,
      (q) => benchNoopPlan(runs ?? DEFAULT_RUNS.P1, q),
      "qus plan (npm entry), converged, 5 targets",
    );
  if (only.has("P2") || only.has("P3") || only.has("P4")) {
    const figures = await benchDebianExtract(runs ?? DEFAULT_RUNS.debian, (line) =>
      console.log(`  | ${line}`),
    );
    printDebian(figures, only);
  }
  if (only.has("P5")) {
    const figure = await benchApplyFromEmpty(runs ?? DEFAULT_RUNS.P5);
    console.log(
      ratioHuman(
        figure,
        `qus apply from empty, ${figure.formats} targets, emulators in place`,
        figure.baselineCommand,
        TARGETS.P5,
      ),
    );
    console.log(ratioLine(figure, TARGETS.P5, { formats: figure.formats }));
  }
  if (exe !== undefined && only.has("P6"))
    await startupFigure(
      "P6",
      [exe],
      extraCa,
      (q) => benchRun(runs ?? DEFAULT_RUNS.P6, q),
      "qus run -- ./busybox true (standalone executable), 5 targets, warm cache",
    );
  if (only.has("P7")) {
    const figure = await benchBackports(runs ?? DEFAULT_RUNS.P7);
    console.log(
      ratioHuman(
        figure,
        `cold 5 targets from ${figure.deb} (SHA-256 of the .deb, then extraction: ${figure.blockRuns} block runs, ${figure.tarMb.toFixed(0)} MB of tar decoded; peak RSS ${figure.maxRssMb.toFixed(0)} MB)`,
        "dpkg-deb -x",
        TARGETS.P7,
      ),
    );
    console.log(ratioLine(figure, TARGETS.P7, { max_rss_mb: figure.maxRssMb }));
  }
}

// The sandbox helper unrefs its holder process (so tests never wait on it), so awaiting a holder's
// exit would otherwise leave nothing keeping this process alive: hold the event loop open.
const keepAlive = setInterval(() => {}, 60_000);
try {
  await main();
} catch (error) {
  console.error(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exitCode = 1;
} finally {
  clearInterval(keepAlive);
}
