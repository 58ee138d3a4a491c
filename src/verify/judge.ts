// Turns what a test program or an emulator's --version did into a verdict with words a user
// can act on. Pure, so every way a run can go wrong is tested without a kernel.
import type { ExecutableResult } from "./run-executable.js";
import { TEST_EXIT_STATUS, TEST_MARKER } from "./test-programs.js";

/** A verdict and its explanation. */
export interface Verdict {
  readonly ok: boolean;
  readonly detail: string;
}

/** The verdict on a generated test program run through the kernel. */
export function judgeProgram(target: string, run: ExecutableResult): Verdict {
  if (run.spawnError === "ENOEXEC") {
    return {
      ok: false,
      detail: `the kernel could not execute the ${target} test program (Exec format error): no enabled binfmt_misc entry matched it`,
    };
  }
  if (run.spawnError === "EACCES") {
    return {
      ok: false,
      detail: `the ${target} test program could not be executed (EACCES): the temporary directory may be mounted noexec (set TMPDIR), or the emulator is not executable`,
    };
  }
  if (run.spawnError !== null)
    return {
      ok: false,
      detail: `the ${target} test program could not be started (${run.spawnError})`,
    };
  if (run.timedOut)
    return { ok: false, detail: `the ${target} test program did not finish in time (killed)` };
  const printed = run.stdout === TEST_MARKER;
  if (run.code === TEST_EXIT_STATUS && printed) {
    return {
      ok: true,
      detail: `ran the ${target} test program through binfmt_misc: printed ${show(TEST_MARKER)}, exit status ${TEST_EXIT_STATUS}`,
    };
  }
  const ended =
    run.code !== null ? `exit status ${run.code}` : `killed by ${run.signal ?? "a signal"}`;
  const stderr = firstLine(run.stderr);
  return {
    ok: false,
    detail:
      `the ${target} test program ended with ${ended} and printed ${show(run.stdout)} ` +
      `(expected ${show(TEST_MARKER)} and exit status ${TEST_EXIT_STATUS})${stderr ? `; stderr: ${stderr}` : ""}`,
  };
}

/** The verdict on `<emulator> --version`, the fallback for targets without a test program. */
export function judgeVersion(target: string, interpreter: string, run: ExecutableResult): Verdict {
  const fallback = `no test program for ${target}, so only the emulator was checked, not the registration`;
  if (run.spawnError !== null)
    return {
      ok: false,
      detail: `cannot run ${interpreter} --version (${run.spawnError}); ${fallback}`,
    };
  const version = firstLine(run.stdout);
  if (run.code === 0 && /version/i.test(version))
    return { ok: true, detail: `${interpreter} --version answered "${version}"; ${fallback}` };
  const ended = run.timedOut
    ? "did not finish in time"
    : run.code !== null
      ? `exit status ${run.code}`
      : `killed by ${run.signal ?? "a signal"}`;
  return {
    ok: false,
    detail: `${interpreter} --version failed (${ended})${firstLine(run.stderr) ? `: ${firstLine(run.stderr)}` : ""}; ${fallback}`,
  };
}

function firstLine(text: string): string {
  return (text.split("\n").find((line) => line.trim() !== "") ?? "").trim().slice(0, 200);
}

function show(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
}
