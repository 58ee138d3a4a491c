// Hand-assembled "write(1, marker, n); exit(status)" for the fixed-width instruction sets, as
// raw bytes; with a probe, "write; exit(syscall(probe, 0, 0, 0, 0, 0, 0))" (see ProgramSpec).
// Each function receives the marker's and the code's addresses (see ElfLayout) and returns the
// instructions; encodings follow each architecture's manual, and the tests run every result
// under the real QEMU emulators, which is what proves them. s390x and x86: machine-code-cisc.ts.
import { checkRange, type CodeGenerator, type SyscallNumbers, words } from "./machine-words.js";

export type { CodeGenerator, ProgramSpec } from "./machine-words.js";
export { i386, s390x, x86_64 } from "./machine-code-cisc.js";

/** AArch64 (A64 instructions are little-endian even on aarch64_be): x8 = number, svc #0. */
export function aarch64(syscalls: SyscallNumbers): CodeGenerator {
  return ({ dataAddress, codeAddress }, { length, status, probe }) => {
    const movz = (rd: number, imm: number) =>
      0xd2800000 | (checkRange("movz", imm, 0, 0xffff) << 5) | rd;
    const adrAt = codeAddress + 4;
    const offset = checkRange("adr offset", dataAddress - adrAt, -(1 << 20), (1 << 20) - 1);
    const adr = (rd: number) =>
      0x10000000 | ((offset & 3) << 29) | (((offset >> 2) & 0x7ffff) << 5) | rd;
    const svc = 0xd4000001;
    // The answer stays in x0, the exit argument.
    const end =
      probe === undefined
        ? [movz(0, status)]
        : [...[0, 1, 2, 3, 4, 5].map((r) => movz(r, 0)), movz(8, probe), svc];
    return words("little", [
      movz(0, 1),
      adr(1),
      movz(2, length),
      movz(8, syscalls.write),
      svc,
      ...end,
      movz(8, syscalls.exit),
      svc,
    ]);
  };
}

/** 32-bit Arm (A32, EABI): r7 = number, svc #0; the marker is found relative to pc. */
export function arm(endian: "little" | "big"): CodeGenerator {
  return ({ dataAddress, codeAddress }, { length, status, probe }) => {
    const mov = (rd: number, imm: number) =>
      0xe3a00000 | (rd << 12) | checkRange("mov", imm, 0, 255);
    // movw (ARMv7): a 16-bit immediate, for system call numbers above 255.
    const movw = (rd: number, imm: number) =>
      0xe3000000 |
      (((checkRange("movw", imm, 0, 0xffff) >> 12) & 0xf) << 16) |
      (rd << 12) |
      (imm & 0xfff);
    // sub r1, pc, #n: pc reads as this instruction's address + 8.
    const back = checkRange("sub offset", codeAddress + 4 + 8 - dataAddress, 0, 255);
    const subFromPc = 0xe24f1000 | back;
    const svc = 0xef000000;
    const end =
      probe === undefined
        ? [mov(0, status)]
        : [...[0, 1, 2, 3, 4, 5].map((r) => mov(r, 0)), movw(7, probe), svc];
    return words(endian, [
      mov(0, 1),
      subFromPc,
      mov(2, length),
      mov(7, 4),
      svc,
      ...end,
      mov(7, 1),
      svc,
    ]);
  };
}

/** RISC-V (RV32I and RV64I base, no compressed instructions): a7 = number, ecall. */
export function riscv(): CodeGenerator {
  return ({ dataAddress, codeAddress }, { length, status, probe }) => {
    const addi = (rd: number, rs1: number, imm: number) =>
      ((checkRange("addi", imm, -2048, 2047) & 0xfff) << 20) | (rs1 << 15) | (rd << 7) | 0x13;
    const offset = dataAddress - (codeAddress + 4);
    const high = (offset + 0x800) >> 12;
    const low = offset - high * 4096;
    const auipc = (rd: number) => ((high & 0xfffff) << 12) | (rd << 7) | 0x17;
    const [a0, a1, a2, a7] = [10, 11, 12, 17];
    const ecall = 0x00000073;
    const end =
      probe === undefined
        ? [addi(a0, 0, status)]
        : [...[10, 11, 12, 13, 14, 15].map((r) => addi(r, 0, 0)), addi(a7, 0, probe), ecall];
    return words("little", [
      addi(a0, 0, 1),
      auipc(a1),
      addi(a1, a1, low),
      addi(a2, 0, length),
      addi(a7, 0, 64),
      ecall,
      ...end,
      addi(a7, 0, 93),
      ecall,
    ]);
  };
}

/** PowerPC (32 and 64 bit, either byte order): r0 = number, sc; the address built with lis/ori. */
export function powerpc(endian: "little" | "big"): CodeGenerator {
  return ({ dataAddress }, { length, status, probe }) => {
    const li = (rt: number, imm: number) =>
      (14 << 26) | (rt << 21) | checkRange("li", imm, 0, 0x7fff);
    const lis = (rt: number, imm: number) =>
      (15 << 26) | (rt << 21) | checkRange("lis", imm, 0, 0x7fff);
    const ori = (ra: number, rs: number, imm: number) => (24 << 26) | (rs << 21) | (ra << 16) | imm;
    const sc = 0x44000002;
    // An error sets cr0.SO and leaves a positive errno in r3: bns skips "neg r3, r3" otherwise.
    const bnsSkipOne = 0x40830008;
    const negR3 = 0x7c6300d0;
    const end =
      probe === undefined
        ? [li(3, status)]
        : [...[3, 4, 5, 6, 7, 8].map((r) => li(r, 0)), li(0, probe), sc, bnsSkipOne, negR3];
    return words(endian, [
      li(3, 1),
      lis(4, dataAddress >>> 16),
      ori(4, 4, dataAddress & 0xffff),
      li(5, length),
      li(0, 4),
      sc,
      ...end,
      li(0, 1),
      sc,
    ]);
  };
}

/** MIPS (o32, n32 and n64 ABIs, either byte order): v0 = number, syscall; address from lui/ori. */
export function mips(endian: "little" | "big", syscalls: SyscallNumbers): CodeGenerator {
  return ({ dataAddress }, { length, status, probe }) => {
    const addiu = (rt: number, imm: number) =>
      (9 << 26) | (rt << 16) | checkRange("addiu", imm, 0, 0x7fff);
    const lui = (rt: number, imm: number) =>
      (15 << 26) | (rt << 16) | checkRange("lui", imm, 0, 0x7fff);
    const ori = (rt: number, rs: number, imm: number) => (13 << 26) | (rs << 21) | (rt << 16) | imm;
    const syscall = 0x0000000c;
    const [v0, a0, a1, a2, a3] = [2, 4, 5, 6, 7];
    // An error sets a3 and leaves a positive errno in v0: a0 = v0, negated when a3 is set.
    // beq a3, $zero skips the subu (the branch's delay slot, the move, runs either way).
    const beqA3ZeroSkipOne = (4 << 26) | (a3 << 21) | 2;
    const moveA0V0 = (v0 << 21) | (a0 << 11) | 0x25;
    const negateV0IntoA0 = (v0 << 16) | (a0 << 11) | 0x23;
    // o32 passes a fifth and sixth argument on the stack; $8 and $9 are a4 and a5 on n32/n64.
    const end =
      probe === undefined
        ? [addiu(a0, status)]
        : [
            ...[4, 5, 6, 7, 8, 9].map((r) => addiu(r, 0)),
            addiu(v0, probe),
            syscall,
            beqA3ZeroSkipOne,
            moveA0V0,
            negateV0IntoA0,
          ];
    return words(endian, [
      addiu(a0, 1),
      lui(a1, dataAddress >>> 16),
      ori(a1, a1, dataAddress & 0xffff),
      addiu(a2, length),
      addiu(v0, syscalls.write),
      syscall,
      ...end,
      addiu(v0, syscalls.exit),
      syscall,
    ]);
  };
}

/** LoongArch64: a7 ($r11) = number, syscall 0; the marker is found with pcaddi. */
export function loongarch64(): CodeGenerator {
  return ({ dataAddress, codeAddress }, { length, status, probe }) => {
    const ori = (rd: number, imm: number) =>
      0x03800000 | (checkRange("ori", imm, 0, 0xfff) << 10) | rd;
    const offset = dataAddress - (codeAddress + 4);
    const pcaddi = (rd: number) =>
      0x18000000 |
      ((checkRange("pcaddi", offset / 4, -(1 << 19), (1 << 19) - 1) & 0xfffff) << 5) |
      rd;
    const syscall = 0x002b0000;
    const [a0, a1, a2, a7] = [4, 5, 6, 11];
    const end =
      probe === undefined
        ? [ori(a0, status)]
        : [...[4, 5, 6, 7, 8, 9].map((r) => ori(r, 0)), ori(a7, probe), syscall];
    return words("little", [
      ori(a0, 1),
      pcaddi(a1),
      ori(a2, length),
      ori(a7, 64),
      syscall,
      ...end,
      ori(a7, 93),
      syscall,
    ]);
  };
}
