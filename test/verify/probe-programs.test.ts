// The probe programs, pure: each target's program calls the probe's number on its ABI (shared
// table plus the MIPS/alpha offset) with every argument zero, and exits with the answer. The
// encodings are checked word by word here; test/e2e/probes.test.ts runs them under three real
// QEMU generations, and the x86 ones run natively below (the host kernel has all seven calls).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { machine, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROBES, probeBySyscall, SYSCALL_ABIS, syscallNumber } from "../../src/currency/probes.js";
import { SYSCALL_ABSENCE } from "../../src/currency/known-issues.js";
import { judgeProbe } from "../../src/verify/probe-judge.js";
import { runExecutable } from "../../src/verify/run-executable.js";
import {
  probeProgramFor,
  syscallAbiFor,
  TEST_PROGRAM_TARGETS,
  testProgramFor,
} from "../../src/verify/test-programs.js";

const openat2 = probeBySyscall("openat2")!;

/** The 32-bit words of a program's code, which starts at the first 8-aligned offset after the marker. */
function codeWords(bytes: Uint8Array, endian: "little" | "big", headerSize: number): number[] {
  const codeOffset = Math.ceil((headerSize + "qus-ok\n".length) / 8) * 8;
  const view = new DataView(bytes.buffer, bytes.byteOffset + codeOffset);
  return Array.from({ length: view.byteLength / 4 }, (_, i) =>
    view.getUint32(i * 4, endian === "little"),
  );
}
const hex = (values: number[]) => values.map((v) => (v >>> 0).toString(16).padStart(8, "0"));

describe("probe data", () => {
  it("covers the seven system calls with the shared numbers and the levels of the known-issues table", () => {
    expect(PROBES.map((p) => [p.syscall, p.number, p.level])).toEqual([
      ["openat2", 437, "error"],
      ["clone3", 435, "expected"],
      ["close_range", 436, "warning"],
      ["faccessat2", 439, "warning"],
      ["epoll_pwait2", 441, "warning"],
      ["futex_waitv", 449, "warning"],
      ["fchmodat2", 452, "warning"],
    ]);
    expect(PROBES.map((p) => p.level)).toEqual(SYSCALL_ABSENCE.map((a) => a.level));
    expect(openat2.issue).toBe("openat2-missing");
  });

  it("shifts numbers by the ABI: alpha +110, MIPS o32 +4000, n64 +5000, n32 +6000", () => {
    expect(syscallNumber(openat2, SYSCALL_ABIS.alpha)).toBe(547);
    expect(syscallNumber(openat2, SYSCALL_ABIS.mipsO32)).toBe(4437);
    expect(syscallNumber(openat2, SYSCALL_ABIS.mipsN64)).toBe(5437);
    expect(syscallNumber(openat2, SYSCALL_ABIS.mipsN32)).toBe(6437);
    expect(syscallAbiFor("mipsel")).toBe(SYSCALL_ABIS.mipsO32);
    expect(syscallAbiFor("mips64el")).toBe(SYSCALL_ABIS.mipsN64);
    expect(syscallAbiFor("mipsn32el")).toBe(SYSCALL_ABIS.mipsN32);
    expect(syscallAbiFor("aarch64")).toBe(SYSCALL_ABIS.shared);
    expect(syscallAbiFor("sparc64")).toBeUndefined();
    expect(SYSCALL_ABIS.mipsO32.enosys).toBe(89);
    expect(SYSCALL_ABIS.shared.enosys).toBe(38);
  });
});

describe("probe program encodings", () => {
  it("exist for every target with a test program, one distinct program per probe", () => {
    for (const target of TEST_PROGRAM_TARGETS) {
      const programs = PROBES.map((p) => Buffer.from(probeProgramFor(target, p)!).toString("hex"));
      expect(new Set(programs).size).toBe(PROBES.length);
      expect(programs).not.toContain(Buffer.from(testProgramFor(target)!).toString("hex"));
    }
    expect(probeProgramFor("sparc64", openat2)).toBeUndefined();
  });

  it("aarch64: zero x0..x5, x8 = 437, svc, then exit with x0 untouched", () => {
    const words = codeWords(probeProgramFor("aarch64", openat2)!, "little", 64 + 56);
    const movz = (rd: number, imm: number) => 0xd2800000 | (imm << 5) | rd;
    expect(hex(words.slice(5))).toEqual(
      hex([
        ...[0, 1, 2, 3, 4, 5].map((r) => movz(r, 0)),
        movz(8, 437),
        0xd4000001,
        movz(8, 93),
        0xd4000001,
      ]),
    );
  });

  it("mipsn32el: zero a0..a5, v0 = 6437, syscall, then a0 = v0 negated when a3 flags an error", () => {
    const words = codeWords(probeProgramFor("mipsn32el", openat2)!, "little", 52 + 32);
    const addiu = (rt: number, imm: number) => (9 << 26) | (rt << 16) | imm;
    expect(hex(words.slice(6))).toEqual(
      hex([
        ...[4, 5, 6, 7, 8, 9].map((r) => addiu(r, 0)),
        addiu(2, 6437),
        0x0000000c, // syscall
        0x10e00002, // beq a3, zero, +2 (over the subu)
        0x00402025, // or a0, v0, zero (delay slot)
        0x00022023, // subu a0, zero, v0
        addiu(2, 6058), // exit
        0x0000000c,
      ]),
    );
    expect(codeWords(probeProgramFor("mipsel", openat2)!, "little", 52 + 32)[12]).toBe(
      addiu(2, 4437),
    );
    expect(codeWords(probeProgramFor("mips64el", openat2)!, "little", 64 + 56)[12]).toBe(
      addiu(2, 5437),
    );
  });

  it("ppc64le: r0 = 437, sc, then negate r3 only when cr0.SO is set", () => {
    const words = codeWords(probeProgramFor("ppc64le", openat2)!, "little", 64 + 56);
    expect(hex(words.slice(12, 16))).toEqual(
      hex([(14 << 26) | 437, 0x44000002, 0x40830008, 0x7c6300d0]),
    );
  });

  it("arm: movw r7, #437 (above an 8-bit immediate)", () => {
    const words = codeWords(probeProgramFor("arm", openat2)!, "little", 52 + 32);
    expect(hex(words.slice(11, 13))).toEqual(hex([0xe3007000 | 437, 0xef000000]));
  });

  it("s390x: r1 = 437 and svc 0 (numbers above 255 do not fit svc's immediate)", () => {
    const bytes = Buffer.from(probeProgramFor("s390x", openat2)!).toString("hex");
    expect(bytes).toContain(`a71901b50a000a01`); // lghi r1,437; svc 0; svc 1 (exit)
  });

  it("x86_64: eax = 437, syscall, mov edi, eax, exit", () => {
    const bytes = Buffer.from(probeProgramFor("x86_64", openat2)!).toString("hex");
    expect(bytes).toContain("b8b50100000f0589c7b83c0000000f05");
  });
});

describe("x86 probe programs on the host kernel", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "qus-probes-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("every probe is supported natively (x86_64 hosts: x86_64, and i386 unless the kernel's 32-bit emulation is off)", async () => {
    const native = machine() === "x86_64" ? ["x86_64", "i386"] : [];
    for (const target of native) {
      for (const probe of PROBES) {
        const file = join(dir, `${target}-${probe.syscall}`);
        await writeFile(file, probeProgramFor(target, probe)!, { mode: 0o755 });
        const run = await runExecutable(file, [], { timeoutMs: 20_000 });
        // Some x86_64 kernels boot with ia32_emulation=off: the kernel refuses i386 (ENOEXEC).
        if (target === "i386" && run.spawnError === "ENOEXEC") continue;
        const result = judgeProbe(target, probe, syscallAbiFor(target)!, run);
        expect({ target, syscall: probe.syscall, outcome: result.outcome }).toEqual({
          target,
          syscall: probe.syscall,
          outcome: "supported",
        });
      }
    }
  });
});
