// Turns what a probe program did into supported / missing / failed, and what that means for the
// guest at the probe's level. Pure. A probe program prints the marker and exits with its system
// call's answer & 0xff (see ProgramSpec): 256 - errno for an error, the value itself otherwise.
import type { AbsenceLevel } from "../currency/known-issues.js";
import type { Probe, SyscallAbi } from "../currency/probes.js";
import type { ExecutableResult } from "./run-executable.js";
import { TEST_MARKER } from "./test-programs.js";

/** What the emulator answered: the call exists, it says ENOSYS, or the program went wrong. */
export type ProbeOutcome = "supported" | "missing" | "failed";

/** What a probe result costs: nothing, a known harmless absence, a warning, or an error. */
export type ProbeSeverity = "ok" | AbsenceLevel;

/** One probe's result on one target, as the report and the JSON document show it. */
export interface ProbeResult {
  readonly syscall: string;
  /** The number called on this target's ABI. */
  readonly number: number;
  readonly outcome: ProbeOutcome;
  /** The probe's level in the known-issues data (what its absence costs). */
  readonly level: AbsenceLevel;
  readonly severity: ProbeSeverity;
  /** The answer in a word: "EINVAL", "ENOSYS", "returned 0"; empty when the program failed. */
  readonly answer: string;
  readonly detail: string;
}

/** Errno values that are the same on every Linux ABI (1..34 are shared); ENOSYS comes from the ABI. */
const SHARED_ERRNO_NAMES: Readonly<Record<number, string>> = {
  1: "EPERM",
  2: "ENOENT",
  9: "EBADF",
  13: "EACCES",
  14: "EFAULT",
  22: "EINVAL",
};

/** Exit statuses above this are a negated errno (errno values stay below 133 on Linux). */
const LOWEST_ERROR_STATUS = 123;

/** The severity of an outcome at a probe's level: a failure counts at least as a warning. */
export function probeSeverity(outcome: ProbeOutcome, level: AbsenceLevel): ProbeSeverity {
  if (outcome === "supported") return "ok";
  if (outcome === "missing") return level;
  return level === "error" ? "error" : "warning";
}

// Why: the exit status is the only channel a probe program has; this is where it is read.
/** The verdict on one probe program run through the kernel. */
export function judgeProbe(
  target: string,
  probe: Probe,
  abi: SyscallAbi,
  run: ExecutableResult,
): ProbeResult {
  const number = probe.number + abi.offset;
  const base = { syscall: probe.syscall, number, level: probe.level };
  const called = `${probe.syscall} (${number}) on ${target}`;
  const failed = (why: string): ProbeResult => ({
    ...base,
    outcome: "failed",
    severity: probeSeverity("failed", probe.level),
    answer: "",
    detail: `the probe of ${called} ${why}`,
  });
  if (run.spawnError !== null) return failed(`could not be started (${run.spawnError})`);
  if (run.timedOut) return failed("did not finish in time (killed)");
  if (run.code === null) return failed(`was killed by ${run.signal ?? "a signal"}`);
  if (run.stdout !== TEST_MARKER) {
    return failed(
      `ended with exit status ${run.code} without printing the marker${stderrNote(run.stderr)}`,
    );
  }
  if (run.code >= LOWEST_ERROR_STATUS) {
    const errno = 256 - run.code;
    if (errno === abi.enosys) {
      return {
        ...base,
        outcome: "missing",
        severity: probeSeverity("missing", probe.level),
        answer: "ENOSYS",
        detail: `${called}: the emulator answered ENOSYS (not implemented)`,
      };
    }
    const name = SHARED_ERRNO_NAMES[errno] ?? `errno ${errno}`;
    return {
      ...base,
      outcome: "supported",
      severity: "ok",
      answer: name,
      detail: `${called}: answered ${name} to zero arguments, so the call exists`,
    };
  }
  return {
    ...base,
    outcome: "supported",
    severity: "ok",
    answer: `returned ${run.code}`,
    detail: `${called}: returned ${run.code} to zero arguments, so the call exists`,
  };
}

function stderrNote(stderr: string): string {
  const line = (stderr.split("\n").find((l) => l.trim() !== "") ?? "").trim().slice(0, 200);
  return line === "" ? "" : `; stderr: ${line}`;
}
