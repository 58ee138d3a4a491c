// Carries out the guest-compatibility probes: for every target whose test program passed, writes
// one probe program per system call into verify's private directory and executes it through the
// kernel (so the registered emulator answers), then judges the exit status.
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PROBES } from "../currency/probes.js";
import { mapInPool } from "./pool.js";
import { judgeProbe, type ProbeResult } from "./probe-judge.js";
import { runExecutable } from "./run-executable.js";
import { probeProgramFor, syscallAbiFor } from "./test-programs.js";
import type { VerifyResult } from "./verify.js";

/** How probe programs run (the same limits as the test programs). */
export interface ProbeRunOptions {
  readonly timeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly parallel: number;
}

// Why: probes only mean something where the target's own test program already ran.
/** The results with `probes` added to every passed program check; the others unchanged. */
export async function attachProbes(
  results: readonly VerifyResult[],
  dir: string,
  options: ProbeRunOptions,
): Promise<VerifyResult[]> {
  const probed = results.filter((r) => r.method === "program" && r.ok);
  const runs = probed.flatMap((result) => PROBES.map((probe) => ({ result, probe })));
  const answers = await mapInPool(runs, options.parallel, async ({ result, probe }) => {
    const abi = syscallAbiFor(result.target);
    const program = probeProgramFor(result.target, probe);
    if (abi === undefined || program === undefined)
      throw new Error(`internal: no probe program for ${result.target}`);
    const file = join(dir, `qus-probe-${result.target}-${probe.syscall}`);
    await writeFile(file, program, { mode: 0o700 });
    await chmod(file, 0o700); // whatever the umask
    const run = await runExecutable(file, [], { timeoutMs: options.timeoutMs, env: options.env });
    return judgeProbe(result.target, probe, abi, run);
  });
  const byResult = new Map<VerifyResult, ProbeResult[]>();
  runs.forEach(({ result }, i) => {
    const list = byResult.get(result) ?? [];
    list.push(answers[i] as ProbeResult);
    byResult.set(result, list);
  });
  return results.map((r) => {
    const probes = byResult.get(r);
    return probes === undefined ? r : { ...r, probes };
  });
}
