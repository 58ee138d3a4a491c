// The test programs `qus verify` runs: for each target with a generator, a complete static ELF
// executable that prints TEST_MARKER and exits with TEST_EXIT_STATUS; and the probe programs of
// `verify --probes`, which print the marker and exit with a system call's answer (see
// ProgramSpec). Pure and deterministic.
import { type Probe, SYSCALL_ABIS, type SyscallAbi, syscallNumber } from "../currency/probes.js";
import { buildElf, type ElfMachine } from "./elf-image.js";
import {
  aarch64,
  arm,
  i386,
  loongarch64,
  mips,
  powerpc,
  riscv,
  s390x,
  x86_64,
  type CodeGenerator,
} from "./machine-code.js";

/** What a test program prints on stdout when emulation works. */
export const TEST_MARKER = "qus-ok\n";
/** The exit status a working test program ends with (not 0, so a no-op cannot pass). */
export const TEST_EXIT_STATUS = 42;

interface ProgramRecipe {
  readonly elf: ElfMachine;
  readonly code: CodeGenerator;
  /** The system call table the target's programs use; the shared one when absent. */
  readonly abi?: SyscallAbi;
}

const EM = {
  i386: 3,
  i486: 6,
  mips: 8,
  ppc: 20,
  ppc64: 21,
  s390: 22,
  arm: 40,
  x86_64: 62,
  aarch64: 183,
  riscv: 243,
  loongarch: 258,
};
const GENERIC = { write: 64, exit: 93 }; // the generic syscall table (arm64, riscv, loongarch)
const MIPS_O32 = { write: 4004, exit: 4001 };
const MIPS_N64 = { write: 5001, exit: 5058 };
const MIPS_N32 = { write: 6001, exit: 6058 };
const ARM_EABI5 = 0x05000000;
const PPC64_ELFV2 = 2; // entry is code, not a function descriptor
const RISCV_RVC_DOUBLE = 0x5;
const MIPS32R2_O32 = 0x70001007;
const MIPS64R2 = 0x80000007;
const MIPS64R2_N32 = MIPS64R2 | 0x20; // EF_MIPS_ABI2
const LOONGARCH_LP64D_V1 = 0x43;

const RECIPES: Readonly<Record<string, ProgramRecipe>> = {
  aarch64: {
    elf: { bits: 64, endian: "little", machine: EM.aarch64, flags: 0 },
    code: aarch64(GENERIC),
  },
  aarch64_be: {
    elf: { bits: 64, endian: "big", machine: EM.aarch64, flags: 0 },
    code: aarch64(GENERIC),
  },
  arm: {
    elf: { bits: 32, endian: "little", machine: EM.arm, flags: ARM_EABI5 },
    code: arm("little"),
  },
  riscv64: {
    elf: { bits: 64, endian: "little", machine: EM.riscv, flags: RISCV_RVC_DOUBLE },
    code: riscv(),
  },
  riscv32: {
    elf: { bits: 32, endian: "little", machine: EM.riscv, flags: RISCV_RVC_DOUBLE },
    code: riscv(),
  },
  ppc64le: {
    elf: { bits: 64, endian: "little", machine: EM.ppc64, flags: PPC64_ELFV2 },
    code: powerpc("little"),
  },
  ppc64: {
    elf: { bits: 64, endian: "big", machine: EM.ppc64, flags: PPC64_ELFV2 },
    code: powerpc("big"),
  },
  ppc: { elf: { bits: 32, endian: "big", machine: EM.ppc, flags: 0 }, code: powerpc("big") },
  s390x: { elf: { bits: 64, endian: "big", machine: EM.s390, flags: 0 }, code: s390x() },
  mips64el: {
    elf: { bits: 64, endian: "little", machine: EM.mips, flags: MIPS64R2 },
    code: mips("little", MIPS_N64),
    abi: SYSCALL_ABIS.mipsN64,
  },
  mips64: {
    elf: { bits: 64, endian: "big", machine: EM.mips, flags: MIPS64R2 },
    code: mips("big", MIPS_N64),
    abi: SYSCALL_ABIS.mipsN64,
  },
  mipsn32el: {
    elf: { bits: 32, endian: "little", machine: EM.mips, flags: MIPS64R2_N32 },
    code: mips("little", MIPS_N32),
    abi: SYSCALL_ABIS.mipsN32,
  },
  mipsn32: {
    elf: { bits: 32, endian: "big", machine: EM.mips, flags: MIPS64R2_N32 },
    code: mips("big", MIPS_N32),
    abi: SYSCALL_ABIS.mipsN32,
  },
  mipsel: {
    elf: { bits: 32, endian: "little", machine: EM.mips, flags: MIPS32R2_O32 },
    code: mips("little", MIPS_O32),
    abi: SYSCALL_ABIS.mipsO32,
  },
  mips: {
    elf: { bits: 32, endian: "big", machine: EM.mips, flags: MIPS32R2_O32 },
    code: mips("big", MIPS_O32),
    abi: SYSCALL_ABIS.mipsO32,
  },
  loongarch64: {
    elf: { bits: 64, endian: "little", machine: EM.loongarch, flags: LOONGARCH_LP64D_V1 },
    code: loongarch64(),
  },
  i386: { elf: { bits: 32, endian: "little", machine: EM.i386, flags: 0 }, code: i386() },
  i486: { elf: { bits: 32, endian: "little", machine: EM.i486, flags: 0 }, code: i386() },
  x86_64: { elf: { bits: 64, endian: "little", machine: EM.x86_64, flags: 0 }, code: x86_64() },
};

/** The targets qus can build a test program for; others are checked with `--version`. */
export const TEST_PROGRAM_TARGETS: readonly string[] = Object.keys(RECIPES);

/** The test program for a canonical target name, or undefined when qus has none. */
export function testProgramFor(target: string): Uint8Array | undefined {
  return programFor(target, undefined);
}

// Why: the probe judge needs the target's ENOSYS and the report the number that was called.
/** The system call ABI of a target's programs, or undefined when qus has no program for it. */
export function syscallAbiFor(target: string): SyscallAbi | undefined {
  const recipe = RECIPES[target];
  return recipe === undefined ? undefined : (recipe.abi ?? SYSCALL_ABIS.shared);
}

/** The program that prints the marker and exits with `probe`'s answer, for a target with a recipe. */
export function probeProgramFor(target: string, probe: Probe): Uint8Array | undefined {
  const abi = syscallAbiFor(target);
  return abi === undefined ? undefined : programFor(target, syscallNumber(probe, abi));
}

function programFor(target: string, probe: number | undefined): Uint8Array | undefined {
  const recipe = RECIPES[target];
  if (recipe === undefined) return undefined;
  const marker = new TextEncoder().encode(TEST_MARKER);
  const spec = { length: marker.length, status: TEST_EXIT_STATUS };
  return buildElf(recipe.elf, marker, (layout) =>
    recipe.code(layout, probe === undefined ? spec : { ...spec, probe }),
  );
}
