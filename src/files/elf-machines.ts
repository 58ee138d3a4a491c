// The CPUs QEMU emulates as ELF sees them: e_machine numbers and names, which machine, class and
// byte order each catalog target's programs have, and why a header does not fit. Pure.
import { ET_CORE, ET_DYN, ET_EXEC, ET_REL, type ElfExpectation, type ElfHeader } from "./elf.js";

// e_machine values of the CPUs QEMU emulates (from the ELF ABI's registry, as in <elf.h>).
const EM_SPARC = 2;
const EM_386 = 3;
const EM_68K = 4;
const EM_486 = 6;
const EM_MIPS = 8;
const EM_PARISC = 15;
const EM_SPARC32PLUS = 18;
const EM_PPC = 20;
const EM_PPC64 = 21;
const EM_S390 = 22;
const EM_ARM = 40;
const EM_SH = 42;
const EM_SPARCV9 = 43;
const EM_X86_64 = 62;
const EM_OPENRISC = 92;
const EM_XTENSA = 94;
const EM_AARCH64 = 183;
const EM_HEXAGON = 164;
const EM_MICROBLAZE = 189;
const EM_RISCV = 243;
const EM_LOONGARCH = 258;
/** The number MicroBlaze used before it was registered; toolchains before 2009 emitted it. */
const EM_MICROBLAZE_OLD = 0xbaab;
const EM_ALPHA = 0x9026;

const MACHINE_NAMES: ReadonlyMap<number, string> = new Map([
  [EM_SPARC, "SPARC"],
  [EM_386, "i386"],
  [EM_486, "i486"],
  [EM_68K, "m68k"],
  [EM_MIPS, "MIPS"],
  [EM_PARISC, "PA-RISC"],
  [EM_SPARC32PLUS, "SPARC32+"],
  [EM_PPC, "PowerPC"],
  [EM_PPC64, "PowerPC64"],
  [EM_S390, "s390"],
  [EM_ARM, "ARM"],
  [EM_SH, "SuperH"],
  [EM_SPARCV9, "SPARC V9"],
  [EM_X86_64, "x86-64"],
  [EM_OPENRISC, "OpenRISC"],
  [EM_XTENSA, "Xtensa"],
  [EM_HEXAGON, "Hexagon"],
  [EM_AARCH64, "AArch64"],
  [EM_MICROBLAZE, "MicroBlaze"],
  [EM_RISCV, "RISC-V"],
  [EM_LOONGARCH, "LoongArch"],
  [EM_MICROBLAZE_OLD, "MicroBlaze"],
  [EM_ALPHA, "Alpha"],
]);

function cpu(machine: number, elfClass: 32 | 64, endian: "little" | "big"): ElfExpectation {
  return { machine, class: elfClass, endian };
}

const TARGET_MACHINES: ReadonlyMap<string, ElfExpectation> = new Map([
  ["i386", cpu(EM_386, 32, "little")],
  ["i486", cpu(EM_486, 32, "little")],
  ["alpha", cpu(EM_ALPHA, 64, "little")],
  ["arm", cpu(EM_ARM, 32, "little")],
  ["armeb", cpu(EM_ARM, 32, "big")],
  ["sparc", cpu(EM_SPARC, 32, "big")],
  ["sparc32plus", cpu(EM_SPARC32PLUS, 32, "big")],
  ["sparc64", cpu(EM_SPARCV9, 64, "big")],
  ["ppc", cpu(EM_PPC, 32, "big")],
  ["ppc64", cpu(EM_PPC64, 64, "big")],
  ["ppc64le", cpu(EM_PPC64, 64, "little")],
  ["m68k", cpu(EM_68K, 32, "big")],
  ["mips", cpu(EM_MIPS, 32, "big")],
  ["mipsel", cpu(EM_MIPS, 32, "little")],
  ["mipsn32", cpu(EM_MIPS, 32, "big")],
  ["mipsn32el", cpu(EM_MIPS, 32, "little")],
  ["mips64", cpu(EM_MIPS, 64, "big")],
  ["mips64el", cpu(EM_MIPS, 64, "little")],
  ["sh4", cpu(EM_SH, 32, "little")],
  ["sh4eb", cpu(EM_SH, 32, "big")],
  ["s390x", cpu(EM_S390, 64, "big")],
  ["aarch64", cpu(EM_AARCH64, 64, "little")],
  ["aarch64_be", cpu(EM_AARCH64, 64, "big")],
  ["hppa", cpu(EM_PARISC, 32, "big")],
  ["riscv32", cpu(EM_RISCV, 32, "little")],
  ["riscv64", cpu(EM_RISCV, 64, "little")],
  ["xtensa", cpu(EM_XTENSA, 32, "little")],
  ["xtensaeb", cpu(EM_XTENSA, 32, "big")],
  ["microblaze", cpu(EM_MICROBLAZE, 32, "big")],
  ["microblazeel", cpu(EM_MICROBLAZE, 32, "little")],
  ["or1k", cpu(EM_OPENRISC, 32, "big")],
  ["x86_64", cpu(EM_X86_64, 64, "little")],
  ["hexagon", cpu(EM_HEXAGON, 32, "little")],
  ["loongarch64", cpu(EM_LOONGARCH, 64, "little")],
]);

// Why: an emulator is checked against the CPU the target names, not against the host.
/** The ELF machine, class and byte order of programs for a catalog target; undefined when unknown. */
export function elfMachineForTarget(target: string): ElfExpectation | undefined {
  return TARGET_MACHINES.get(target);
}

// Why: messages name a CPU, not a bare number.
/** A readable name for an e_machine value, e.g. "AArch64 (183)". */
export function describeElfMachine(machine: number): string {
  const name = MACHINE_NAMES.get(machine);
  return name === undefined ? `machine ${machine}` : `${name} (${machine})`;
}

function describeCpu(cpu: ElfExpectation): string {
  return `${describeElfMachine(cpu.machine)}, ${cpu.class}-bit ${cpu.endian}-endian`;
}

function describeType(type: number): string {
  if (type === ET_REL) return "a relocatable object";
  if (type === ET_CORE) return "a core dump";
  return `ELF type ${type}`;
}

// Why: a wrong or dynamic emulator is refused with a sentence that says what is wrong.
/** Why an ELF file cannot serve as the emulator on this host, or null when it can. */
export function describeElfProblem(
  header: ElfHeader,
  expected: ElfExpectation,
  options: { readonly requireStatic?: boolean } = {},
): string | null {
  if (header.type !== ET_EXEC && header.type !== ET_DYN) {
    return `is ${describeType(header.type)}, not an executable`;
  }
  if (
    header.machine !== expected.machine ||
    header.class !== expected.class ||
    header.endian !== expected.endian
  ) {
    return `is built for ${describeCpu(header)}, but this host runs ${describeCpu(expected)} programs`;
  }
  if (options.requireStatic === true && header.hasInterp) {
    return "is dynamically linked (it has a PT_INTERP loader), so it cannot run inside containers or chroots that lack the host's libraries; use a static build (qemu-user-static)";
  }
  return null;
}
