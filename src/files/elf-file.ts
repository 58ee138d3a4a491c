// Reads the ELF header of a file on disk: the first bytes, then exactly as far as the program
// header table reaches, so checking a 10 MB emulator costs two small reads.
import { open } from "node:fs/promises";
import { ELF_HEADER_BYTES, ElfFormatError, elfBytesNeeded, readElfHeader, type ElfHeader } from "./elf.js";
import { SourceError } from "../errors.js";

async function readPrefix(path: string, length: number): Promise<Uint8Array> {
  const handle = await open(path, "r");
  try {
    const buffer = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(buffer, filled, length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/**
 * Reads a file's ELF header; `label` starts the error message ("Emulator /usr/bin/x is ...").
 * Throws ElfFormatError when the file is not a well-formed ELF, SourceError when it cannot be read.
 */
export async function readElfFileHeader(path: string, label = "File"): Promise<ElfHeader> {
  try {
    const head = await readPrefix(path, ELF_HEADER_BYTES);
    const needed = elfBytesNeeded(head);
    return readElfHeader(needed <= head.length ? head : await readPrefix(path, needed));
  } catch (error) {
    if (error instanceof ElfFormatError) {
      throw new ElfFormatError(`${label} ${path} is not a usable ELF executable: ${error.message}`, { cause: error });
    }
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new SourceError(`${label} ${path} cannot be read (${code})`, { cause: error });
  }
}
