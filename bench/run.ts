// `npm run bench`: the benchmarks P1-P5 in one command. Each ratio is measured against
// its baseline in the same run (interleaved), and each figure prints a line for people and a
// `BENCH <id> key=value ...` line for scripts. Kernel parts run in private binfmt_misc instances.
//
//   npm run bench                      all figures
//   npm run bench -- --only P1,P5      some of them (P2, P3 and P4 come from one run)
//   npm run bench -- --runs 3          repetitions per figure (default: P1 15, P5 7, P2-P4 3)
import { readFileSync } from "node:fs";
import { availableParallelism, release } from "node:os";
import { benchNoopPlan } from "./p1-noop-plan.js";
import { benchDebianExtract, memoryLines, type ExtractFigure } from "./p2-p4-debian.js";
import { benchApplyFromEmpty } from "./p5-apply-from-empty.js";
import { ratioHuman, ratioLine } from "./stats.js";

/** Targets from the issue (ratios: at most; P4: MB at most). */
const TARGETS = { P1: 2.0, P2: 0.5, P3: 1.0, P4: 150, P5: 3.0 } as const;
const DEFAULT_RUNS = { P1: 15, P5: 7, debian: 3 } as const;

interface Options {
  readonly only: ReadonlySet<string>;
  readonly runs: number | undefined;
}

function parseOptions(argv: readonly string[]): Options {
  let only = new Set(["P1", "P2", "P3", "P4", "P5"]);
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
    else throw new Error(`unknown argument ${arg}; usage: run.js [--only P1,P5] [--runs N]`);
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
  return `${cpu}, ${availableParallelism()} CPUs, Linux ${release()}, Node ${process.version}`;
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

async function main(): Promise<void> {
  const { only, runs } = parseOptions(process.argv.slice(2));
  console.log(`qus benchmarks on ${describeMachine()}, ${new Date().toISOString()}`);
  if (only.has("P1")) {
    const figure = await benchNoopPlan(runs ?? DEFAULT_RUNS.P1);
    console.log(ratioHuman(figure, "qus plan, converged, 5 targets", "node -e 0", TARGETS.P1));
    console.log(ratioLine(figure, TARGETS.P1));
  }
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
        "update-binfmts --import",
        TARGETS.P5,
      ),
    );
    console.log(ratioLine(figure, TARGETS.P5, { formats: figure.formats }));
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
