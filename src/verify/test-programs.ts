// The test programs `qus verify` runs: for each target with a generator, a complete static ELF
// executable that prints TEST_MARKER and exits with TEST_EXIT_STATUS. Pure and deterministic.
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
const ARM_EABI5 = 0x05000000;
const PPC64_ELFV2 = 2; // entry is code, not a function descriptor
const RISCV_RVC_DOUBLE = 0x5;
const MIPS32R2_O32 = 0x70001007;
const MIPS64R2 = 0x80000007;
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
  },
  mips64: {
    elf: { bits: 64, endian: "big", machine: EM.mips, flags: MIPS64R2 },
    code: mips("big", MIPS_N64),
  },
  mipsel: {
    elf: { bits: 32, endian: "little", machine: EM.mips, flags: MIPS32R2_O32 },
    code: mips("little", MIPS_O32),
  },
  mips: {
    elf: { bits: 32, endian: "big", machine: EM.mips, flags: MIPS32R2_O32 },
    code: mips("big", MIPS_O32),
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
  const recipe = RECIPES[target];
  if (recipe === undefined) return undefined;
  const marker = new TextEncoder().encode(TEST_MARKER);
  return buildElf(recipe.elf, marker, (layout) =>
    recipe.code(layout, { length: marker.length, status: TEST_EXIT_STATUS }),
  );
}
