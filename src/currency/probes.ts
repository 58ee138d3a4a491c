// The guest-compatibility probes as data: which system calls `qus verify --probes` tries, their
// numbers on each system call ABI, and (from the known-issues table) what a missing one costs.
// Pure: the programs that make the calls are generated in verify/.
import { type AbsenceLevel, SYSCALL_ABSENCE } from "./known-issues.js";

/** One probe: a system call, its number in the shared table, and what its absence costs. */
export interface Probe {
  readonly syscall: string;
  /** Its number in the table nearly every architecture shares since Linux 5.1. */
  readonly number: number;
  readonly level: AbsenceLevel;
  readonly cost: string;
  /** The known issue (known-issues.ts) that explains its absence, if any. */
  readonly issue?: string;
}

/** How an architecture's system call table differs from the shared one. */
export interface SyscallAbi {
  readonly name: string;
  /** Added to the shared number (MIPS counts from 4000, 5000 or 6000; alpha adds 110). */
  readonly offset: number;
  /** The errno value of ENOSYS there (38 on most architectures; 89 on MIPS, 78 on alpha). */
  readonly enosys: number;
}

// Why: the numbers of the new system calls are one table shifted by a few ABIs.
/** The system call ABIs the probes know. */
export const SYSCALL_ABIS = {
  shared: { name: "shared", offset: 0, enosys: 38 },
  alpha: { name: "alpha", offset: 110, enosys: 78 },
  mipsO32: { name: "mips o32", offset: 4000, enosys: 89 },
  mipsN64: { name: "mips n64", offset: 5000, enosys: 89 },
  mipsN32: { name: "mips n32", offset: 6000, enosys: 89 },
} as const satisfies Record<string, SyscallAbi>;

const SHARED_NUMBERS: Readonly<Record<string, number>> = {
  openat2: 437,
  clone3: 435,
  close_range: 436,
  faccessat2: 439,
  epoll_pwait2: 441,
  futex_waitv: 449,
  fchmodat2: 452,
};

// Why: one list that the program generator, the judge and the report all walk in the same order.
/** Every probe, in the known-issues table's order, with its level and cost from there. */
export const PROBES: readonly Probe[] = SYSCALL_ABSENCE.map((absence) => {
  const number = SHARED_NUMBERS[absence.syscall];
  if (number === undefined)
    throw new Error(`internal: no system call number for ${absence.syscall}`);
  return { ...absence, number };
});

/** The number of a probe's system call under an ABI. */
export function syscallNumber(probe: Probe, abi: SyscallAbi): number {
  return probe.number + abi.offset;
}

/** The probe for a system call name, if qus has one. */
export function probeBySyscall(syscall: string): Probe | undefined {
  return PROBES.find((probe) => probe.syscall === syscall);
}
