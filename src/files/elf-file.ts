// Reads the ELF header of a file on disk: the first bytes, then exactly as far as the program
// header table reaches, so checking a 10 MB emulator costs one open and two small reads. They are
// synchronous: a plan checks dozens of emulators, and a few microseconds of blocking each beat
// four thread-pool round trips each.
import { closeSync, constants, openSync, readSync } from "node:fs";
import {
  ELF_HEADER_BYTES,
  ElfFormatError,
  elfBytesNeeded,
  readElfHeader,
  type ElfHeader,
} from "./elf.js";
import { SourceError } from "../errors.js";

/** Up to `length` bytes from the start of the open file (fewer when it is shorter). */
function readPrefix(fd: number, length: number): Uint8Array {
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const bytesRead = readSync(fd, buffer, filled, length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

function readHeaderBytes(path: string): ElfHeader {
  // O_NONBLOCK: a path swapped for a named pipe after the caller's stat cannot hang qus here.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const head = readPrefix(fd, ELF_HEADER_BYTES);
    const needed = elfBytesNeeded(head);
    return readElfHeader(needed <= head.length ? head : readPrefix(fd, needed));
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a file's ELF header; `label` starts the error message ("Emulator /usr/bin/x is ...").
 * Throws ElfFormatError when the file is not a well-formed ELF, SourceError when it cannot be read.
 */
export async function readElfFileHeader(path: string, label = "File"): Promise<ElfHeader> {
  try {
    return readHeaderBytes(path);
  } catch (error) {
    if (error instanceof ElfFormatError) {
      throw new ElfFormatError(
        `${label} ${path} is not a usable ELF executable: ${error.message}`,
        { cause: error },
      );
    }
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new SourceError(`${label} ${path} cannot be read (${code})`, { cause: error });
  }
}
