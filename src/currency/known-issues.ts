// Known breakages tied to the QEMU version of an emulator, shipped with qus as data. `plan` and
// `status` warn when an emulator they register or find is affected, naming the issue and the
// range that avoids it. Only issues with a public report and a version bound are listed:
// - left out: ldconfig/libc-bin segfaults (intermittent, also in 9.2.2 builds: no version bound),
//   RISC-V RVA23 SIGILL (minimum version not established), slow Debian trixie guests (reports
//   disagree: arm64 trixie guests are also reported slow on QEMU 10, fixed by QEMU_CPU instead),
//   musl-built 9.2.2's openat2 O_NOFOLLOW EINVAL (a build-specific bug qus cannot tell from the
//   version: glibc builds of 9.2.2 are not affected).
import Comparator from "semver/classes/comparator.js";
import type { UpstreamVersion } from "./qemu-version.js";

/** One known issue: which emulators have it and what avoids it. */
export interface KnownIssue {
  /** Stable identifier, used in JSON output and documentation. */
  readonly id: string;
  /** semver range of the upstream QEMU versions that have the issue. */
  readonly affected: string;
  /** The range of upstream versions that avoid it (what to put in `qemu:`). */
  readonly avoidedBy: string;
  /** QEMU target names affected (as in `targets:`), or "all". */
  readonly targets: "all" | readonly string[];
  /** One line: what the user sees. */
  readonly symptom: string;
  /** The public report or the fix. */
  readonly link: string;
}

// Why: one table that plan, status, init's default range and the probes all read.
/** Every known issue, oldest fix first. */
export const KNOWN_ISSUES: readonly KnownIssue[] = [
  {
    id: "x86-64-v2-cpu",
    affected: "<7.2.0",
    avoidedBy: ">=7.2.0",
    targets: ["x86_64"],
    symptom:
      'x86-64-v2 guests (RHEL 9 family) stop with "CPU does not support x86-64-v2" (QEMU_CPU=max works around it)',
    link: "https://github.com/containers/podman/issues/14314",
  },
  {
    id: "openat2-missing",
    affected: "<9.2.0",
    avoidedBy: ">=9.2.0",
    targets: "all",
    symptom:
      'openat2 (syscall 437) is missing ("Unknown syscall 437"): GNU tar with the CVE-2025-45582 fix fails',
    link: "https://github.com/qemu/qemu/commit/9651cead2f1b",
  },
];

/** How much a guest loses when the emulator lacks a system call (what a probe reports). */
export type AbsenceLevel = "error" | "warning" | "expected";

/** What the absence of one system call costs, and the known issue that explains it. */
export interface SyscallAbsence {
  readonly syscall: string;
  readonly level: AbsenceLevel;
  /** One line: who needs it, or why its absence is harmless. */
  readonly cost: string;
  readonly issue?: string;
}

// Why: a missing system call is not always a broken guest; the probes report each at its level.
/** The system calls modern guests rely on, and what their absence costs. */
export const SYSCALL_ABSENCE: readonly SyscallAbsence[] = [
  {
    syscall: "openat2",
    level: "error",
    cost: "GNU tar with the CVE-2025-45582 fix fails (no fallback)",
    issue: "openat2-missing",
  },
  {
    syscall: "clone3",
    level: "expected",
    cost: "every QEMU answers ENOSYS on purpose; glibc falls back to clone",
  },
  {
    syscall: "close_range",
    level: "warning",
    cost: "closefrom() and close_range() fall back to closing descriptors one by one",
  },
  {
    syscall: "faccessat2",
    level: "warning",
    cost: "glibc emulates faccessat flags with fstatat, less exactly",
  },
  {
    syscall: "epoll_pwait2",
    level: "warning",
    cost: "newer event loops use it for nanosecond timeouts where present",
  },
  {
    syscall: "futex_waitv",
    level: "warning",
    cost: "newer programs (Wine/Proton, some runtimes) wait on several futexes with it",
  },
  {
    syscall: "fchmodat2",
    level: "warning",
    cost: "glibc falls back for fchmodat(..., AT_SYMLINK_NOFOLLOW)",
  },
];

/**
 * Each issue's affected range as semver comparators, all of which a version must meet, made when
 * first needed, then kept. The table writes its ranges as space-separated comparators ("<9.2.0",
 * ">=8.0.0 <8.2.0"), which its unit test checks against semver's own range matching: a Range
 * would run some ten regular expressions over the text, each compiled on first use, at every start.
 */
const affectedComparators = new Map<KnownIssue, readonly Comparator[]>();

function affects(issue: KnownIssue, version: string): boolean {
  let comparators = affectedComparators.get(issue);
  if (comparators === undefined) {
    comparators = issue.affected
      .split(" ")
      // A comparator counts pre-releases as semver's order puts them (9.2.0-rc.1 < 9.2.0), as
      // a range with includePrerelease does.
      .map((text) => new Comparator(text));
    affectedComparators.set(issue, comparators);
  }
  // Comparator.test is false for an unparsable version, as Range.test is.
  return comparators.every((comparator) => comparator.test(version));
}

// Why: plan and status ask, per emulator, which issues apply to its version and target.
/**
 * The known issues of an emulator of `target` at upstream QEMU `qemuVersion` (a semver string such
 * as "7.2.22", or an `UpstreamVersion`). An unparsable version has no known issues: callers show
 * the version as unknown instead.
 */
export function knownIssuesFor(
  qemuVersion: string | UpstreamVersion,
  target: string,
): readonly KnownIssue[] {
  const version = typeof qemuVersion === "string" ? qemuVersion : qemuVersion.semver;
  return KNOWN_ISSUES.filter(
    (issue) =>
      (issue.targets === "all" || issue.targets.includes(target)) && affects(issue, version),
  );
}

/** The known issue with this id, if any. */
export function knownIssueById(id: string): KnownIssue | undefined {
  return KNOWN_ISSUES.find((issue) => issue.id === id);
}

// Why: plan and status say the same words about an affected emulator.
/**
 * One warning per known issue of `emulator` (qemu-aarch64) at upstream `qemuVersion`, naming the
 * issue, what the user sees, the range that avoids it and the public report.
 */
export function knownIssueWarnings(emulator: string, qemuVersion: string): string[] {
  const target = emulator.replace(/^qemu-/, "");
  return knownIssuesFor(qemuVersion, target).map(
    (issue) =>
      `${emulator} is QEMU ${qemuVersion}, affected by known issue ${issue.id}: ${issue.symptom}; QEMU ${issue.avoidedBy} avoids it (${issue.link})`,
  );
}
