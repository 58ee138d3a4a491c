// Hand-assembled "write(1, marker, n); exit(status)" for each instruction set, as raw bytes.
// Each function receives the marker's and the code's addresses (see ElfLayout) and returns the
// instructions; encodings follow each architecture's manual, and the tests run every result
// under the real QEMU emulators, which is what proves them.
import type { ElfLayout } from "./elf-image.js";

/** What every test program does: print `length` bytes at the data address, then exit. */
export interface ProgramSpec {
  readonly length: number;
  readonly status: number;
}

/** Generates the instructions of one architecture for a layout. */
export type CodeGenerator = (layout: ElfLayout, spec: ProgramSpec) => Uint8Array;

/** Packs 32-bit instruction words in the given byte order. */
function words(endian: "little" | "big", values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (const [i, value] of values.entries())
    view.setUint32(i * 4, value >>> 0, endian === "little");
  return bytes;
}

function checkRange(what: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`internal: ${what} ${value} does not fit in [${min}, ${max}]`);
  }
  return value;
}

/** AArch64 (A64 instructions are little-endian even on aarch64_be): x8 = number, svc #0. */
export function aarch64(syscalls: { write: number; exit: number }): CodeGenerator {
  return ({ dataAddress, codeAddress }, { length, status }) => {
    const movz = (rd: number, imm: number) =>
      0xd2800000 | (checkRange("movz", imm, 0, 0xffff) << 5) | rd;
    const adrAt = codeAddress + 4;
    const offset = checkRange("adr offset", dataAddress - adrAt, -(1 << 20), (1 << 20) - 1);
    const adr = (rd: number) =>
      0x10000000 | ((offset & 3) << 29) | (((offset >> 2) & 0x7ffff) << 5) | rd;
    const svc = 0xd4000001;
    return words("little", [
      movz(0, 1),
      adr(1),
      movz(2, length),
      movz(8, syscalls.write),
      svc,
      movz(0, status),
      movz(8, syscalls.exit),
      svc,
    ]);
  };
}

/** 32-bit Arm (A32, EABI): r7 = number, svc #0; the marker is found relative to pc. */
export function arm(endian: "little" | "big"): CodeGenerator {
  return ({ dataAddress, codeAddress }, { length, status }) => {
    const mov = (rd: number, imm: number) =>
      0xe3a00000 | (rd << 12) | checkRange("mov", imm, 0, 255);
    // sub r1, pc, #n: pc reads as this instruction's address + 8.
    const back = checkRange("sub offset", codeAddress + 4 + 8 - dataAddress, 0, 255);
    const subFromPc = 0xe24f1000 | back;
    const svc = 0xef000000;
    return words(endian, [
      mov(0, 1),
      subFromPc,
      mov(2, length),
      mov(7, 4),
      svc,
      mov(0, status),
      mov(7, 1),
      svc,
    ]);
  };
}

/** RISC-V (RV32I and RV64I base, no compressed instructions): a7 = number, ecall. */
export function riscv(): CodeGenerator {
  return ({ dataAddress, codeAddress }, { length, status }) => {
    const addi = (rd: number, rs1: number, imm: number) =>
      ((checkRange("addi", imm, -2048, 2047) & 0xfff) << 20) | (rs1 << 15) | (rd << 7) | 0x13;
    const offset = dataAddress - (codeAddress + 4);
    const high = (offset + 0x800) >> 12;
    const low = offset - high * 4096;
    const auipc = (rd: number) => ((high & 0xfffff) << 12) | (rd << 7) | 0x17;
    const [a0, a1, a2, a7] = [10, 11, 12, 17];
    const ecall = 0x00000073;
    return words("little", [
      addi(a0, 0, 1),
      auipc(a1),
      addi(a1, a1, low),
      addi(a2, 0, length),
      addi(a7, 0, 64),
      ecall,
      addi(a0, 0, status),
      addi(a7, 0, 93),
      ecall,
    ]);
  };
}

/** PowerPC (32 and 64 bit, either byte order): r0 = number, sc; the address built with lis/ori. */
export function powerpc(endian: "little" | "big"): CodeGenerator {
  return ({ dataAddress }, { length, status }) => {
    const li = (rt: number, imm: number) =>
      (14 << 26) | (rt << 21) | checkRange("li", imm, 0, 0x7fff);
    const lis = (rt: number, imm: number) =>
      (15 << 26) | (rt << 21) | checkRange("lis", imm, 0, 0x7fff);
    const ori = (ra: number, rs: number, imm: number) => (24 << 26) | (rs << 21) | (ra << 16) | imm;
    const sc = 0x44000002;
    return words(endian, [
      li(3, 1),
      lis(4, dataAddress >>> 16),
      ori(4, 4, dataAddress & 0xffff),
      li(5, length),
      li(0, 4),
      sc,
      li(3, status),
      li(0, 1),
      sc,
    ]);
  };
}

/** IBM Z (s390x, big-endian, 2/4/6-byte instructions): svc carries the syscall number. */
export function s390x(): CodeGenerator {
  return ({ dataAddress, codeAddress }, { length, status }) => {
    const lghi = (r: number, imm: number) => [
      0xa7,
      (r << 4) | 0x9,
      0,
      checkRange("lghi", imm, 0, 0x7fff),
    ];
    const larlAt = codeAddress + 4;
    const halfwords = checkRange(
      "larl offset",
      (dataAddress - larlAt) / 2,
      -(2 ** 31),
      2 ** 31 - 1,
    );
    const u = halfwords >>> 0;
    const larl = (r: number) => [
      0xc0,
      r << 4,
      (u >>> 24) & 0xff,
      (u >>> 16) & 0xff,
      (u >>> 8) & 0xff,
      u & 0xff,
    ];
    const svc = (n: number) => [0x0a, n];
    return Uint8Array.from([
      ...lghi(2, 1),
      ...larl(3),
      ...lghi(4, length),
      ...svc(4),
      ...lghi(2, status),
      ...svc(1),
    ]);
  };
}

/** MIPS (o32 and n64 ABIs, either byte order): v0 = number, syscall; address from lui/ori. */
export function mips(
  endian: "little" | "big",
  syscalls: { write: number; exit: number },
): CodeGenerator {
  return ({ dataAddress }, { length, status }) => {
    const addiu = (rt: number, imm: number) =>
      (9 << 26) | (rt << 16) | checkRange("addiu", imm, 0, 0x7fff);
    const lui = (rt: number, imm: number) =>
      (15 << 26) | (rt << 16) | checkRange("lui", imm, 0, 0x7fff);
    const ori = (rt: number, rs: number, imm: number) => (13 << 26) | (rs << 21) | (rt << 16) | imm;
    const syscall = 0x0000000c;
    const [v0, a0, a1, a2] = [2, 4, 5, 6];
    return words(endian, [
      addiu(a0, 1),
      lui(a1, dataAddress >>> 16),
      ori(a1, a1, dataAddress & 0xffff),
      addiu(a2, length),
      addiu(v0, syscalls.write),
      syscall,
      addiu(a0, status),
      addiu(v0, syscalls.exit),
      syscall,
    ]);
  };
}

/** LoongArch64: a7 ($r11) = number, syscall 0; the marker is found with pcaddi. */
export function loongarch64(): CodeGenerator {
  return ({ dataAddress, codeAddress }, { length, status }) => {
    const ori = (rd: number, imm: number) =>
      0x03800000 | (checkRange("ori", imm, 0, 0xfff) << 10) | rd;
    const offset = dataAddress - (codeAddress + 4);
    const pcaddi = (rd: number) =>
      0x18000000 |
      ((checkRange("pcaddi", offset / 4, -(1 << 19), (1 << 19) - 1) & 0xfffff) << 5) |
      rd;
    const syscall = 0x002b0000;
    const [a0, a1, a2, a7] = [4, 5, 6, 11];
    return words("little", [
      ori(a0, 1),
      pcaddi(a1),
      ori(a2, length),
      ori(a7, 64),
      syscall,
      ori(a0, status),
      ori(a7, 93),
      syscall,
    ]);
  };
}

/** 32-bit x86: eax = number, int 0x80; the marker's absolute address in ecx. */
export function i386(): CodeGenerator {
  return ({ dataAddress }, { length, status }) => {
    const imm32 = (value: number) => [
      value & 0xff,
      (value >>> 8) & 0xff,
      (value >>> 16) & 0xff,
      (value >>> 24) & 0xff,
    ];
    const mov = (opcode: number, value: number) => [opcode, ...imm32(value)];
    const [eax, ecx, edx, ebx] = [0xb8, 0xb9, 0xba, 0xbb];
    const int80 = [0xcd, 0x80];
    return Uint8Array.from([
      ...mov(ebx, 1),
      ...mov(ecx, dataAddress),
      ...mov(edx, length),
      ...mov(eax, 4),
      ...int80,
      ...mov(ebx, status),
      ...mov(eax, 1),
      ...int80,
    ]);
  };
}

/** x86-64: rax = number, syscall; the marker found rip-relative. */
export function x86_64(): CodeGenerator {
  return ({ dataAddress, codeAddress }, { length, status }) => {
    const imm32 = (value: number) => [
      value & 0xff,
      (value >>> 8) & 0xff,
      (value >>> 16) & 0xff,
      (value >>> 24) & 0xff,
    ];
    const mov = (opcode: number, value: number) => [opcode, ...imm32(value)];
    const [eax, edx, edi] = [0xb8, 0xba, 0xbf];
    // lea rsi, [rip + disp32]: rip is the address after this 7-byte instruction.
    const leaEnd = codeAddress + 5 + 7;
    const lea = [0x48, 0x8d, 0x35, ...imm32(dataAddress - leaEnd)];
    const syscall = [0x0f, 0x05];
    return Uint8Array.from([
      ...mov(edi, 1),
      ...lea,
      ...mov(edx, length),
      ...mov(eax, 1),
      ...syscall,
      ...mov(edi, status),
      ...mov(eax, 60),
      ...syscall,
    ]);
  };
}
