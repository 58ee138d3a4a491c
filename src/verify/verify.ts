// Carries out verification checks: writes each generated test program to a private temporary
// directory and executes it (so the kernel, not qus, picks the emulator), or runs the
// emulator's --version for targets without a program. Checks run a few at a time.
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { VerifyCheck } from "./checks.js";
import { judgeProgram, judgeVersion, type Verdict } from "./judge.js";
import { runExecutable } from "./run-executable.js";
import { testProgramFor } from "./test-programs.js";

/** The outcome of one check, as the report and the JSON document show it. */
export interface VerifyResult {
  readonly name: string;
  readonly target: string;
  readonly method: VerifyCheck["method"];
  readonly ok: boolean;
  readonly detail: string;
}

/** Where and how long test programs run. */
export interface VerifyOptions {
  /** Parent of the temporary directory holding the programs (default: the OS temp directory). */
  readonly tempDir?: string;
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
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
    const results: VerifyResult[] = new Array(checks.length);
    let next = 0;
    const worker = async () => {
      while (next < checks.length) {
        const index = next++;
        const check = checks[index]!;
        const verdict = await runCheck(check, dir, options);
        results[index] = {
          name: check.name,
          target: check.target,
          method: check.method,
          ...verdict,
        };
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, checks.length) }, worker));
    return results;
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
