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
