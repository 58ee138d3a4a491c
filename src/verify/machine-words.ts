// What every hand-assembled program shares: the program's contract (print the marker, then exit
// with a status or with a probed system call's answer), the generator type, and the helpers that
// pack instruction words and refuse an immediate that does not fit. Pure.
import type { ElfLayout } from "./elf-image.js";

/**
 * What a generated program does: print `length` bytes at the data address, then exit. Without
 * `probe` it exits with `status`; with it, it first calls system call number `probe` with every
 * argument zero and exits with the answer normalised to the kernel's `-errno` convention (on
 * Power and MIPS, whose kernels flag errors apart, the error is negated), so the exit status is
 * `answer & 0xff`: 256 - errno for an error, the value itself for a success.
 */
export interface ProgramSpec {
  readonly length: number;
  readonly status: number;
  readonly probe?: number;
}

/** Generates the instructions of one architecture for a layout. */
export type CodeGenerator = (layout: ElfLayout, spec: ProgramSpec) => Uint8Array;

/** The system call numbers a generator needs, from its ABI. */
export interface SyscallNumbers {
  readonly write: number;
  readonly exit: number;
}

/** Packs 32-bit instruction words in the given byte order. */
export function words(endian: "little" | "big", values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (const [i, value] of values.entries())
    view.setUint32(i * 4, value >>> 0, endian === "little");
  return bytes;
}

/** The value itself when it is an integer in [min, max]; an internal error otherwise. */
export function checkRange(what: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`internal: ${what} ${value} does not fit in [${min}, ${max}]`);
  }
  return value;
}

/** Little-endian bytes of a 32-bit immediate (x86). */
export function imm32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}
