// The generated test programs: well-formed static ELF files that the kernel hands to exactly
// their own target's binfmt_misc entry, and that really print the marker and exit with the
// status under the real QEMU emulators (run directly here; through the kernel in test/e2e).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { machine, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findTarget, TARGETS } from "../../src/catalog/targets.js";
import { ET_EXEC, readElfHeader } from "../../src/files/elf.js";
import { elfMachineForTarget } from "../../src/files/elf-machines.js";
import { judgeProgram } from "../../src/verify/judge.js";
import { runExecutable } from "../../src/verify/run-executable.js";
import {
  TEST_EXIT_STATUS,
  TEST_MARKER,
  TEST_PROGRAM_TARGETS,
  testProgramFor,
} from "../../src/verify/test-programs.js";
import { emulatorPath, requireFixtures } from "../helpers/fixtures.js";

/** True when the kernel's magic/mask test for `target` accepts these bytes. */
function matchesEntry(bytes: Uint8Array, target: string): boolean {
  const info = findTarget(target)!;
  const magic = Buffer.from(info.magic, "hex");
  const mask = Buffer.from(info.mask, "hex");
  if (bytes.length < magic.length) return false;
  return magic.every((m, i) => (bytes[i]! & mask[i]!) === (m & mask[i]!));
}

const REQUIRED = [
  "aarch64",
  "arm",
  "riscv64",
  "ppc64le",
  "s390x",
  "mips64el",
  "loongarch64",
  "i386",
  "x86_64",
];

describe("generated test programs", () => {
  it("exist for every architecture the issue requires", () => {
    expect(TEST_PROGRAM_TARGETS).toEqual(expect.arrayContaining(REQUIRED));
  });

  it("are static ELF executables of their target's machine, class and byte order", () => {
    for (const target of TEST_PROGRAM_TARGETS) {
      const bytes = testProgramFor(target)!;
      const header = readElfHeader(bytes);
      const expected = elfMachineForTarget(target)!;
      expect({
        target,
        machine: header.machine,
        class: header.class,
        endian: header.endian,
      }).toEqual({ target, ...expected });
      expect(header.type).toBe(ET_EXEC);
      expect(header.hasInterp).toBe(false);
      expect(header.hasDynamic).toBe(false);
      expect(bytes.length).toBeLessThan(256);
    }
  });

  it("match their own target's binfmt_misc entry and no other target's (except i386/i486, one emulator)", () => {
    for (const target of TEST_PROGRAM_TARGETS) {
      const bytes = testProgramFor(target)!;
      const matching = TARGETS.filter((t) => matchesEntry(bytes, t.name)).map(
        (t) => findTarget(t.name)!.emulator,
      );
      expect({ target, emulators: [...new Set(matching)] }).toEqual({
        target,
        emulators: [findTarget(target)!.emulator],
      });
    }
  });

  it("are the same bytes every time, and there is none for targets without a generator", () => {
    expect(testProgramFor("aarch64")).toEqual(testProgramFor("aarch64"));
    expect(testProgramFor("sparc64")).toBeUndefined();
    expect(testProgramFor("no-such-target")).toBeUndefined();
  });
});

describe("the programs under the real QEMU emulators", () => {
  let dir: string;
  beforeAll(async () => {
    requireFixtures();
    dir = await mkdtemp(join(tmpdir(), "qus-programs-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([...TEST_PROGRAM_TARGETS])(
    "%s prints the marker and exits with the test status",
    async (target) => {
      const file = join(dir, target);
      await writeFile(file, testProgramFor(target)!, { mode: 0o755 });
      const emulator = emulatorPath(findTarget(target)!.emulator.replace(/^qemu-/, ""));
      const run = await runExecutable(emulator, [file], { timeoutMs: 20_000 });
      expect(run).toMatchObject({ stdout: TEST_MARKER, code: TEST_EXIT_STATUS, spawnError: null });
    },
  );

  it("the host's own program also runs natively (x86_64 hosts: x86_64, and i386 unless the kernel's 32-bit emulation is off)", async () => {
    const native =
      machine() === "x86_64" ? ["x86_64", "i386"] : machine() === "aarch64" ? ["aarch64"] : [];
    for (const target of native) {
      const file = join(dir, `native-${target}`);
      await writeFile(file, testProgramFor(target)!, { mode: 0o755 });
      const run = await runExecutable(file, [], { timeoutMs: 20_000 });
      // Some x86_64 kernels boot with ia32_emulation=off: the kernel refuses i386 (ENOEXEC).
      if (target === "i386" && run.spawnError === "ENOEXEC") continue;
      expect({ target, ...run }).toMatchObject({
        target,
        stdout: TEST_MARKER,
        code: TEST_EXIT_STATUS,
        spawnError: null,
      });
    }
  });

  it("an ELF no handler takes is the kernel's ENOEXEC, not the shell the C library falls back to", async () => {
    const bytes = Buffer.from(testProgramFor(machine() === "aarch64" ? "aarch64" : "x86_64")!);
    bytes.writeUInt16LE(0x7777, 18); // e_machine: no CPU, so neither the ELF loader nor binfmt_misc
    const file = join(dir, "no-machine");
    await writeFile(file, bytes, { mode: 0o755 });
    const run = await runExecutable(file, [], { timeoutMs: 20_000 });
    expect(run).toMatchObject({ code: null, spawnError: "ENOEXEC", stdout: "" });
    expect(judgeProgram("x86_64", run).detail).toMatch(/no enabled binfmt_misc entry matched it/);
  });
});
