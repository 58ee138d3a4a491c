// Hand-assembled test and probe programs for the variable-length instruction sets: IBM Z and
// x86 (see machine-code.ts for the contract and the fixed-width ones). Pure.
import { checkRange, type CodeGenerator, imm32 } from "./machine-words.js";

/** IBM Z (s390x, big-endian, 2/4/6-byte instructions): svc carries the syscall number. */
export function s390x(): CodeGenerator {
  return ({ dataAddress, codeAddress }, { length, status, probe }) => {
    const lghi = (r: number, imm: number) => [
      0xa7,
      (r << 4) | 0x9,
      (checkRange("lghi", imm, 0, 0x7fff) >>> 8) & 0xff,
      imm & 0xff,
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
    const svc = (n: number) => [0x0a, checkRange("svc", n, 0, 255)];
    // Numbers above 255 go in r1 with svc 0; the answer stays in r2, the exit argument.
    const end =
      probe === undefined
        ? lghi(2, status)
        : [...[2, 3, 4, 5, 6, 7].flatMap((r) => lghi(r, 0)), ...lghi(1, probe), ...svc(0)];
    return Uint8Array.from([
      ...lghi(2, 1),
      ...larl(3),
      ...lghi(4, length),
      ...svc(4),
      ...end,
      ...svc(1),
    ]);
  };
}

/** 32-bit x86: eax = number, int 0x80; the marker's absolute address in ecx. */
export function i386(): CodeGenerator {
  return ({ dataAddress }, { length, status, probe }) => {
    const mov = (opcode: number, value: number) => [opcode, ...imm32(value)];
    const [eax, ecx, edx, ebx, ebp, esi, edi] = [0xb8, 0xb9, 0xba, 0xbb, 0xbd, 0xbe, 0xbf];
    const int80 = [0xcd, 0x80];
    const movEbxEax = [0x89, 0xc3];
    const end =
      probe === undefined
        ? mov(ebx, status)
        : [
            ...[ebx, ecx, edx, esi, edi, ebp].flatMap((r) => mov(r, 0)),
            ...mov(eax, probe),
            ...int80,
            ...movEbxEax,
          ];
    return Uint8Array.from([
      ...mov(ebx, 1),
      ...mov(ecx, dataAddress),
      ...mov(edx, length),
      ...mov(eax, 4),
      ...int80,
      ...end,
      ...mov(eax, 1),
      ...int80,
    ]);
  };
}

/** x86-64: rax = number, syscall; the marker found rip-relative. */
export function x86_64(): CodeGenerator {
  return ({ dataAddress, codeAddress }, { length, status, probe }) => {
    const mov = (opcode: number, value: number) => [opcode, ...imm32(value)];
    const [eax, edx, esi, edi] = [0xb8, 0xba, 0xbe, 0xbf];
    // lea rsi, [rip + disp32]: rip is the address after this 7-byte instruction.
    const leaEnd = codeAddress + 5 + 7;
    const lea = [0x48, 0x8d, 0x35, ...imm32(dataAddress - leaEnd)];
    const syscall = [0x0f, 0x05];
    // mov r8d/r9d/r10d, imm32 (REX.B); mov edi, eax.
    const movHigh = (register: number) => [0x41, 0xb8 + (register - 8), ...imm32(0)];
    const movEdiEax = [0x89, 0xc7];
    const end =
      probe === undefined
        ? mov(edi, status)
        : [
            ...[edi, esi, edx].flatMap((r) => mov(r, 0)),
            ...[10, 8, 9].flatMap(movHigh),
            ...mov(eax, probe),
            ...syscall,
            ...movEdiEax,
          ];
    return Uint8Array.from([
      ...mov(edi, 1),
      ...lea,
      ...mov(edx, length),
      ...mov(eax, 1),
      ...syscall,
      ...end,
      ...mov(eax, 60),
      ...syscall,
    ]);
  };
}
