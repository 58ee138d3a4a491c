// Reads just enough of an ELF file to tell which CPU it runs on and whether it needs a dynamic
// loader, so qus can refuse an emulator built for another host or one that cannot work inside
// a container (a dynamic emulator needs the host's libraries there). Pure and bounds-checked:
// any input either yields a header or throws ElfFormatError.
import { SourceError } from "../errors.js";

/** ELF file types (e_type) qus names in messages. */
export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_CORE = 4;

/** Program header types (p_type) qus looks for. */
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;

/** Size of the ELF identification and file header: read this much first, then ask elfBytesNeeded. */
export const ELF_HEADER_BYTES = 64;

/** Largest program header table qus agrees to read (65535 entries of 64 bytes is far above real files). */
export const MAX_ELF_PREFIX_BYTES = 4 * 1024 * 1024;

/** What qus needs to know about an ELF executable. */
export interface ElfHeader {
  readonly class: 32 | 64;
  readonly endian: "little" | "big";
  /** e_type: ET_EXEC (2) for fixed-address programs, ET_DYN (3) for PIE and shared objects. */
  readonly type: number;
  /** e_machine: EM_X86_64 (62), EM_AARCH64 (183)... */
  readonly machine: number;
  /** e_flags (the ABI bits, e.g. MIPS n32). */
  readonly flags: number;
  /** A PT_INTERP program header: the kernel must load a dynamic loader first. */
  readonly hasInterp: boolean;
  /** A PT_DYNAMIC program header (static-pie executables have one too, without PT_INTERP). */
  readonly hasDynamic: boolean;
}

/** The CPU an ELF file must be built for: machine, word size and byte order. */
export interface ElfExpectation {
  readonly machine: number;
  readonly class: 32 | 64;
  readonly endian: "little" | "big";
}

/** The bytes are not a well-formed ELF header; callers add the file's path to the message. */
export class ElfFormatError extends SourceError {}

interface Layout {
  readonly class: 32 | 64;
  readonly endian: "little" | "big";
  readonly view: DataView;
  readonly programHeaderOffset: number;
  readonly programHeaderSize: number;
  readonly programHeaderCount: number;
}

// Reads the fixed part of the header; throws when it is missing or not ELF.
function readLayout(bytes: Uint8Array): Layout {
  if (
    bytes.length < 4 ||
    bytes[0] !== 0x7f ||
    bytes[1] !== 0x45 ||
    bytes[2] !== 0x4c ||
    bytes[3] !== 0x46
  ) {
    throw new ElfFormatError("not an ELF file (no \\x7fELF signature)");
  }
  if (bytes.length < 16)
    throw new ElfFormatError(`truncated ELF identification (${bytes.length} of 16 bytes)`);
  const classByte = bytes[4];
  const dataByte = bytes[5];
  if (classByte !== 1 && classByte !== 2)
    throw new ElfFormatError(`unknown ELF class ${String(classByte)}`);
  if (dataByte !== 1 && dataByte !== 2)
    throw new ElfFormatError(`unknown ELF byte order ${String(dataByte)}`);
  const elfClass = classByte === 1 ? 32 : 64;
  const headerSize = elfClass === 32 ? 52 : 64;
  if (bytes.length < headerSize) {
    throw new ElfFormatError(`truncated ELF header (${bytes.length} of ${headerSize} bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = dataByte === 1;
  const programHeaderOffset =
    elfClass === 32 ? view.getUint32(28, little) : Number(view.getBigUint64(32, little));
  const programHeaderSize = view.getUint16(elfClass === 32 ? 42 : 54, little);
  const programHeaderCount = view.getUint16(elfClass === 32 ? 44 : 56, little);
  if (programHeaderCount === 0xffff) {
    throw new ElfFormatError(
      "ELF program header count is in a section header (PN_XNUM), which qus does not read",
    );
  }
  if (programHeaderCount > 0 && programHeaderSize < 4) {
    throw new ElfFormatError(`ELF program header size ${programHeaderSize} is too small`);
  }
  return {
    class: elfClass,
    endian: little ? "little" : "big",
    view,
    programHeaderOffset,
    programHeaderSize,
    programHeaderCount,
  };
}

/** How many bytes from the start of the file readElfHeader needs (header plus program headers). */
export function elfBytesNeeded(prefix: Uint8Array): number {
  const layout = readLayout(prefix);
  const count = layout.programHeaderCount;
  const end = count === 0 ? 0 : layout.programHeaderOffset + layout.programHeaderSize * count;
  if (!Number.isSafeInteger(end) || end > MAX_ELF_PREFIX_BYTES) {
    throw new ElfFormatError(
      `ELF program headers end at byte ${end}, beyond the ${MAX_ELF_PREFIX_BYTES} qus reads`,
    );
  }
  return Math.max(end, layout.class === 32 ? 52 : 64);
}

/** Parses the ELF header and program header types from the first elfBytesNeeded() bytes of a file. */
export function readElfHeader(bytes: Uint8Array): ElfHeader {
  const layout = readLayout(bytes);
  const { view, class: elfClass } = layout;
  const little = layout.endian === "little";
  const needed = elfBytesNeeded(bytes);
  if (bytes.length < needed) {
    throw new ElfFormatError(`truncated ELF program headers (${bytes.length} of ${needed} bytes)`);
  }
  let hasInterp = false;
  let hasDynamic = false;
  for (let i = 0; i < layout.programHeaderCount; i++) {
    const type = view.getUint32(layout.programHeaderOffset + i * layout.programHeaderSize, little);
    if (type === PT_INTERP) hasInterp = true;
    if (type === PT_DYNAMIC) hasDynamic = true;
  }
  return {
    class: elfClass,
    endian: layout.endian,
    type: view.getUint16(16, little),
    machine: view.getUint16(18, little),
    flags: view.getUint32(elfClass === 32 ? 36 : 48, little),
    hasInterp,
    hasDynamic,
  };
}

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

/** The ELF machine, class and byte order of programs for a catalog target; undefined when unknown. */
export function elfMachineForTarget(target: string): ElfExpectation | undefined {
  return TARGET_MACHINES.get(target);
}

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
