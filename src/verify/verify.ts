// Carries out verification checks: writes each generated test program to a private temporary
// directory and executes it (so the kernel, not qus, picks the emulator), or runs the
// emulator's --version for targets without a program; with `probes`, then the guest-compatibility
// probes (run-probes.ts). Checks run a few at a time.
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { VerifyCheck } from "./checks.js";
import { judgeProgram, judgeVersion, type Verdict } from "./judge.js";
import { mapInPool } from "./pool.js";
import type { ProbeResult } from "./probe-judge.js";
import { runExecutable } from "./run-executable.js";
import { testProgramFor } from "./test-programs.js";

/** The outcome of one check, as the report and the JSON document show it. */
export interface VerifyResult {
  readonly name: string;
  readonly target: string;
  readonly method: VerifyCheck["method"];
  readonly ok: boolean;
  readonly detail: string;
  /** With `--probes`, on targets whose test program passed: one result per probe. */
  readonly probes?: readonly ProbeResult[];
}

/** Where and how long test programs run. */
export interface VerifyOptions {
  /** Parent of the temporary directory holding the programs (default: the OS temp directory). */
  readonly tempDir?: string;
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
  /** Also run the guest-compatibility probes. */
  readonly probes?: boolean;
}

const DEFAULT_TIMEOUT_MS = 20_000;
const PARALLEL = 4;

/** Runs every check; the results keep the checks' order. */
export async function runChecks(
  checks: readonly VerifyCheck[],
  options: VerifyOptions = {},
): Promise<VerifyResult[]> {
  if (checks.length === 0) return [];
  const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), "qus-verify-"));
  try {
    const results = await mapInPool(checks, PARALLEL, async (check) => ({
      name: check.name,
      target: check.target,
      method: check.method,
      ...(await runCheck(check, dir, options)),
    }));
    if (options.probes !== true) return results;
    const { attachProbes } = await import("./run-probes.js");
    return await attachProbes(results, dir, {
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      env: options.env,
      parallel: PARALLEL,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function runCheck(check: VerifyCheck, dir: string, options: VerifyOptions): Promise<Verdict> {
  const run = { timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, env: options.env };
  switch (check.method) {
    case "none":
      return { ok: false, detail: check.problem };
    case "version":
      return judgeVersion(
        check.target,
        check.interpreter,
        await runExecutable(check.interpreter, ["--version"], run),
      );
    case "program": {
      const program = testProgramFor(check.target);
      if (program === undefined) throw new Error(`internal: no test program for ${check.target}`);
      const file = join(dir, `qus-verify-${check.target}`);
      await writeFile(file, program, { mode: 0o700 });
      await chmod(file, 0o700);
      return judgeProgram(check.target, await runExecutable(file, [], run));
    }
  }
}
