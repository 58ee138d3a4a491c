// Lays out the smallest static ELF executable the kernel and QEMU accept: an ELF header, one
// PT_LOAD program header mapping the whole file read+execute, the marker text, then the code.
// Pure: it only computes bytes, so every architecture's program is built the same way.

/** The fixed facts about one architecture's executables. */
export interface ElfMachine {
  /** 64-bit (ELFCLASS64) or 32-bit (ELFCLASS32). */
  readonly bits: 32 | 64;
  /** Byte order of the ELF header and of data (ELFDATA2LSB or ELFDATA2MSB). */
  readonly endian: "little" | "big";
  /** e_machine (EM_AARCH64 = 183...). */
  readonly machine: number;
  /** e_flags (ABI bits some emulators read, e.g. ARM EABI version, PowerPC ELFv2). */
  readonly flags: number;
}

/** Where the program's bytes land in memory, handed to the code generator. */
export interface ElfLayout {
  /** Virtual address of the marker text. */
  readonly dataAddress: number;
  /** Virtual address of the first instruction (the entry point). */
  readonly codeAddress: number;
}

/** Load address of the single segment: above mmap_min_addr and the same for every target. */
export const LOAD_ADDRESS = 0x400000;
/** Segment alignment: a multiple of every target's page size (up to 64 KiB). */
const SEGMENT_ALIGN = 0x10000;
const PT_LOAD = 1;
const PF_R = 4;
const PF_X = 1;
const ET_EXEC = 2;

/** Builds the executable: `code` receives the final addresses so it can point at the data. */
export function buildElf(
  machine: ElfMachine,
  data: Uint8Array,
  code: (layout: ElfLayout) => Uint8Array,
): Uint8Array {
  const headerSize = machine.bits === 64 ? 64 : 52;
  const programHeaderSize = machine.bits === 64 ? 56 : 32;
  const dataOffset = headerSize + programHeaderSize;
  const codeOffset = alignUp(dataOffset + data.length, 8);
  const layout: ElfLayout = {
    dataAddress: LOAD_ADDRESS + dataOffset,
    codeAddress: LOAD_ADDRESS + codeOffset,
  };
  const instructions = code(layout);
  const size = codeOffset + instructions.length;

  const image = new Uint8Array(size);
  const view = new DataView(image.buffer);
  const little = machine.endian === "little";
  const u16 = (at: number, value: number) => view.setUint16(at, value, little);
  const u32 = (at: number, value: number) => view.setUint32(at, value, little);
  const word = (at: number, value: number) =>
    machine.bits === 64
      ? view.setBigUint64(at, BigInt(value), little)
      : view.setUint32(at, value, little);
  const wordSize = machine.bits / 8;

  // e_ident: magic, class, data, version, OS ABI (System V) and zero padding.
  image.set([0x7f, 0x45, 0x4c, 0x46, machine.bits === 64 ? 2 : 1, little ? 1 : 2, 1, 0], 0);
  u16(16, ET_EXEC);
  u16(18, machine.machine);
  u32(20, 1); // e_version
  let at = 24;
  word(at, layout.codeAddress); // e_entry
  at += wordSize;
  word(at, headerSize); // e_phoff
  at += wordSize;
  word(at, 0); // e_shoff: no section headers
  at += wordSize;
  u32(at, machine.flags);
  u16(at + 4, headerSize); // e_ehsize
  u16(at + 6, programHeaderSize); // e_phentsize
  u16(at + 8, 1); // e_phnum
  u16(at + 10, 0); // e_shentsize
  u16(at + 12, 0); // e_shnum
  u16(at + 14, 0); // e_shstrndx

  const ph = headerSize;
  if (machine.bits === 64) {
    u32(ph, PT_LOAD);
    u32(ph + 4, PF_R | PF_X);
    view.setBigUint64(ph + 8, 0n, little); // p_offset
    view.setBigUint64(ph + 16, BigInt(LOAD_ADDRESS), little); // p_vaddr
    view.setBigUint64(ph + 24, BigInt(LOAD_ADDRESS), little); // p_paddr
    view.setBigUint64(ph + 32, BigInt(size), little); // p_filesz
    view.setBigUint64(ph + 40, BigInt(size), little); // p_memsz
    view.setBigUint64(ph + 48, BigInt(SEGMENT_ALIGN), little);
  } else {
    u32(ph, PT_LOAD);
    u32(ph + 4, 0); // p_offset
    u32(ph + 8, LOAD_ADDRESS); // p_vaddr
    u32(ph + 12, LOAD_ADDRESS); // p_paddr
    u32(ph + 16, size); // p_filesz
    u32(ph + 20, size); // p_memsz
    u32(ph + 24, PF_R | PF_X);
    u32(ph + 28, SEGMENT_ALIGN);
  }
  image.set(data, dataOffset);
  image.set(instructions, codeOffset);
  return image;
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}
