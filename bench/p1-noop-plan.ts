// P1 and P1n: `qus plan` on a converged host with 5 targets, divided by `node -e 0` (the cost of
// starting Node at all); P1 runs the standalone executable, P1n the npm entry (node + the
// package.json bin). Both run inside the same private binfmt_misc sandbox through nsenter,
// interleaved and in alternating order, so they share the machine's load and the nsenter overhead.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { qemuDir } from "../test/helpers/fixtures.js";
import { startSandbox } from "../test/helpers/sandbox.js";
import { benchVarCache, builtCli, entryNames, timedRun, writeBenchConfig } from "./context.js";
import { ratioFigure, type RatioFigure } from "./stats.js";

/** The five targets the issue names. */
export const P1_TARGETS = ["aarch64", "arm", "riscv64", "ppc64le", "s390x"] as const;

const WARMUP_RUNS = 2;

/** How to start qus (argv before qus's own arguments), and extra environment for both sides. */
export interface QusCommand {
  readonly id: string;
  readonly argv: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** The npm entry: node and the package.json bin. */
export function npmEntry(): readonly string[] {
  return [process.execPath, builtCli()];
}

/** Measures one figure over `runs` interleaved pairs; throws when the host is not converged after apply. */
export async function benchNoopPlan(runs: number, qus: QusCommand): Promise<RatioFigure> {
  const cli = builtCli();
  const [exe, ...pre] = qus.argv as [string, ...string[]];
  const env = qus.env ?? {};
  const emulators = qemuDir();
  if (!existsSync(join(emulators, "qemu-aarch64-static"))) {
    throw new Error(
      `P1 needs the emulator fixtures in ${emulators}: run scripts/setup.sh (or set QUS_FIXTURES)`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), "qus-bench-p1-"));
  const sandbox = await startSandbox({ varCache: await benchVarCache(dir) });
  try {
    const config = await writeBenchConfig(dir, P1_TARGETS, emulators);
    await timedRun(sandbox, process.execPath, [cli, "apply", "--auto-approve", "-c", config], dir);
    const registered = entryNames(sandbox);
    if (registered.length !== P1_TARGETS.length)
      throw new Error(
        `P1 setup registered ${registered.join(", ")}, expected ${P1_TARGETS.length} entries`,
      );

    const planArgs = [...pre, "plan", "--detailed-exitcode", "-c", config];
    const plan = () => timedRun(sandbox, exe, planArgs, dir, [0], env);
    const bareNode = () => timedRun(sandbox, process.execPath, ["-e", "0"], dir, [0], env);
    const first = await plan();
    if (!first.stdout.includes("No changes."))
      throw new Error(`P1: the host is not converged after apply; plan said:\n${first.stdout}`);
    for (let i = 0; i < WARMUP_RUNS; i++) {
      await plan();
      await bareNode();
    }
    const qusMs: number[] = [];
    const nodeMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      // Alternate which goes first, so neither always runs right after the other.
      if (i % 2 === 0) {
        qusMs.push((await plan()).ms);
        nodeMs.push((await bareNode()).ms);
      } else {
        nodeMs.push((await bareNode()).ms);
        qusMs.push((await plan()).ms);
      }
    }
    return ratioFigure(qus.id, qusMs, nodeMs);
  } finally {
    await sandbox.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
