// The ELF reader decides whether qus accepts an emulator: it must read real files right (the
// Debian emulators, a dynamic system program, a foreign busybox), agree with the catalog's
// binfmt magic, and never crash on garbage: only a header or an ElfFormatError.
import { readFileSync, readdirSync } from "node:fs";
import { machine } from "node:os";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { normaliseMachine } from "../../src/catalog/host.js";
import { TARGETS } from "../../src/catalog/targets.js";
import {
  ELF_HEADER_BYTES,
  ET_DYN,
  ET_EXEC,
  ET_REL,
  ElfFormatError,
  elfBytesNeeded,
  readElfHeader,
  type ElfExpectation,
  type ElfHeader,
} from "../../src/files/elf.js";
import { describeElfProblem, elfMachineForTarget } from "../../src/files/elf-machines.js";
import { readElfFileHeader } from "../../src/files/elf-file.js";
import { QusError } from "../../src/errors.js";
import { emulatorPath, foreignBusybox, qemuDir, requireFixtures } from "../helpers/fixtures.js";

const hostExpectation = elfMachineForTarget(normaliseMachine(machine()) ?? "unknown");
const X86_64: ElfExpectation = { machine: 62, class: 64, endian: "little" };
const AARCH64: ElfExpectation = { machine: 183, class: 64, endian: "little" };

// The file's first bytes, as far as readElfHeader needs them.
function prefixOf(path: string): Uint8Array {
  const bytes = new Uint8Array(readFileSync(path));
  return bytes.subarray(0, elfBytesNeeded(bytes.subarray(0, ELF_HEADER_BYTES)));
}

// A minimal ELF image: header plus program headers of the given types, in any class and order.
function syntheticElf(options: {
  class: 32 | 64;
  endian: "little" | "big";
  type: number;
  machine: number;
  flags?: number;
  programTypes: number[];
}): Uint8Array {
  const is64 = options.class === 64;
  const headerSize = is64 ? 64 : 52;
  const entrySize = is64 ? 56 : 32;
  const bytes = new Uint8Array(headerSize + entrySize * options.programTypes.length);
  const view = new DataView(bytes.buffer);
  const little = options.endian === "little";
  bytes.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, little ? 1 : 2, 1]);
  view.setUint16(16, options.type, little);
  view.setUint16(18, options.machine, little);
  view.setUint32(20, 1, little);
  if (is64) view.setBigUint64(32, BigInt(headerSize), little);
  else view.setUint32(28, headerSize, little);
  view.setUint32(is64 ? 48 : 36, options.flags ?? 0, little);
  view.setUint16(is64 ? 54 : 42, entrySize, little);
  view.setUint16(is64 ? 56 : 44, options.programTypes.length, little);
  for (const [i, type] of options.programTypes.entries())
    view.setUint32(headerSize + i * entrySize, type, little);
  return bytes;
}

// Runs the parser on arbitrary bytes: a header or the typed error, nothing else.
function parseOrTypedError(bytes: Uint8Array): ElfHeader | ElfFormatError {
  try {
    return readElfHeader(bytes);
  } catch (error) {
    if (error instanceof ElfFormatError) return error;
    throw error;
  }
}

describe("readElfHeader on real files", () => {
  beforeAll(() => requireFixtures());

  it("reads every Debian emulator as a static-pie program for this host: ET_DYN, PT_DYNAMIC, no PT_INTERP", async () => {
    const emulators = readdirSync(qemuDir()).filter(
      (name) => name.startsWith("qemu-") && name.endsWith("-static"),
    );
    expect(emulators.length).toBeGreaterThanOrEqual(30);
    expect(hostExpectation).toBeDefined();
    for (const name of emulators) {
      const header = await readElfFileHeader(`${qemuDir()}/${name}`);
      expect({ name, ...header }).toEqual({
        name,
        class: hostExpectation?.class,
        endian: hostExpectation?.endian,
        type: ET_DYN,
        machine: hostExpectation?.machine,
        flags: header.flags,
        hasInterp: false,
        hasDynamic: true,
      });
    }
  });

  it("reads the arm64 busybox as a fixed-address aarch64 executable without a loader", () => {
    expect(readElfHeader(prefixOf(foreignBusybox()))).toEqual({
      class: 64,
      endian: "little",
      type: ET_EXEC,
      machine: 183,
      flags: 0,
      hasInterp: false,
      hasDynamic: false,
    });
  });

  it("sees the PT_INTERP of a dynamically linked system program", () => {
    const header = readElfHeader(prefixOf("/bin/ls"));
    expect(header.hasInterp).toBe(true);
    expect(header.hasDynamic).toBe(true);
    expect({ machine: header.machine, class: header.class, endian: header.endian }).toEqual(
      hostExpectation,
    );
  });

  it("reads the same header from a file as from its bytes", async () => {
    const path = emulatorPath("aarch64");
    expect(await readElfFileHeader(path)).toEqual(readElfHeader(prefixOf(path)));
  });
});

describe("readElfHeader on synthetic headers", () => {
  it("reads 32-bit big-endian headers with their flags and program header types", () => {
    const bytes = syntheticElf({
      class: 32,
      endian: "big",
      type: ET_EXEC,
      machine: 8,
      flags: 0x20,
      programTypes: [1, 3, 2],
    });
    expect(readElfHeader(bytes)).toEqual({
      class: 32,
      endian: "big",
      type: ET_EXEC,
      machine: 8,
      flags: 0x20,
      hasInterp: true,
      hasDynamic: true,
    });
  });

  it("accepts a header without program headers, whatever their offset says", () => {
    const bytes = syntheticElf({
      class: 64,
      endian: "little",
      type: ET_REL,
      machine: 62,
      programTypes: [],
    });
    new DataView(bytes.buffer).setBigUint64(32, 0xffff_ffffn, true);
    expect(elfBytesNeeded(bytes)).toBe(64);
    expect(readElfHeader(bytes)).toMatchObject({
      type: ET_REL,
      hasInterp: false,
      hasDynamic: false,
    });
  });

  it("rejects a program header table that ends past what qus reads", () => {
    const bytes = syntheticElf({
      class: 64,
      endian: "little",
      type: ET_EXEC,
      machine: 62,
      programTypes: [1],
    });
    new DataView(bytes.buffer).setBigUint64(32, 0xffff_ffff_ffffn, true);
    expect(() => elfBytesNeeded(bytes)).toThrow(ElfFormatError);
    expect(() => readElfHeader(bytes)).toThrow(/program headers end at byte/);
  });

  it("reports a non-ELF input as such, with a QusError the CLI prints without a stack", () => {
    const error = parseOrTypedError(new TextEncoder().encode("#!/bin/sh\necho not an emulator\n"));
    expect(error).toBeInstanceOf(ElfFormatError);
    expect(error).toBeInstanceOf(QusError);
    expect((error as Error).message).toMatch(/not an ELF file/);
  });
});

describe("readElfHeader never crashes", () => {
  let realPrefix: Uint8Array;
  beforeAll(() => {
    requireFixtures();
    realPrefix = prefixOf(emulatorPath("aarch64"));
  });

  it("on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        parseOrTypedError(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it("on random bytes behind a valid ELF identification", () => {
    const ident = fc.tuple(fc.constantFrom(1, 2), fc.constantFrom(1, 2));
    fc.assert(
      fc.property(
        ident,
        fc.uint8Array({ minLength: 0, maxLength: 1024 }),
        ([elfClass, data], rest) => {
          const bytes = new Uint8Array(6 + rest.length);
          bytes.set([0x7f, 0x45, 0x4c, 0x46, elfClass, data]);
          bytes.set(rest, 6);
          parseOrTypedError(bytes);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("on a real header cut short: a truncation error until every program header is there", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: realPrefix.length }), (length) => {
        const result = parseOrTypedError(realPrefix.subarray(0, length));
        if (length < realPrefix.length) expect(result).toBeInstanceOf(ElfFormatError);
        else expect(result).toEqual(readElfHeader(realPrefix));
      }),
    );
  });

  it("on a real header with random bytes overwritten", () => {
    const edits = fc.array(
      fc.tuple(fc.nat({ max: realPrefix.length - 1 }), fc.integer({ min: 0, max: 255 })),
      {
        minLength: 1,
        maxLength: 8,
      },
    );
    fc.assert(
      fc.property(edits, (changes) => {
        const bytes = Uint8Array.from(realPrefix);
        for (const [offset, value] of changes) bytes[offset] = value;
        parseOrTypedError(bytes);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("elfMachineForTarget", () => {
  it("agrees with each catalog target's binfmt magic on class, byte order and e_machine", () => {
    for (const target of TARGETS) {
      const magic = Buffer.from(target.magic, "hex");
      const little = magic[5] === 1;
      const fromMagic: ElfExpectation = {
        machine: little ? magic.readUInt16LE(18) : magic.readUInt16BE(18),
        class: magic[4] === 1 ? 32 : 64,
        endian: little ? "little" : "big",
      };
      expect({ target: target.name, cpu: elfMachineForTarget(target.name) }).toEqual({
        target: target.name,
        cpu: fromMagic,
      });
    }
  });

  it("knows nothing of names outside the catalog", () => {
    expect(elfMachineForTarget("vax")).toBeUndefined();
  });
});

describe("describeElfProblem", () => {
  const staticX86: ElfHeader = {
    class: 64,
    endian: "little",
    type: ET_DYN,
    machine: 62,
    flags: 0,
    hasInterp: false,
    hasDynamic: true,
  };

  it("accepts a static program for the expected CPU", () => {
    expect(describeElfProblem(staticX86, X86_64, { requireStatic: true })).toBeNull();
  });

  it("names both CPUs when the program is for another one", () => {
    const aarch64 = { ...staticX86, machine: 183 };
    expect(describeElfProblem(aarch64, X86_64)).toBe(
      "is built for AArch64 (183), 64-bit little-endian, but this host runs x86-64 (62), 64-bit little-endian programs",
    );
  });

  it("tells word size and byte order apart for the same e_machine", () => {
    expect(describeElfProblem({ ...staticX86, machine: 183, endian: "big" }, AARCH64)).toMatch(
      /64-bit big-endian, but .* 64-bit little-endian/,
    );
    expect(describeElfProblem({ ...staticX86, class: 32 }, X86_64)).toMatch(
      /32-bit little-endian, but/,
    );
  });

  it("refuses a dynamic program only when static is required", () => {
    const dynamic = { ...staticX86, hasInterp: true };
    expect(describeElfProblem(dynamic, X86_64, { requireStatic: true })).toMatch(
      /dynamically linked/,
    );
    expect(describeElfProblem(dynamic, X86_64, { requireStatic: false })).toBeNull();
  });

  it("refuses an ELF that is not an executable", () => {
    expect(describeElfProblem({ ...staticX86, type: ET_REL }, X86_64)).toBe(
      "is a relocatable object, not an executable",
    );
  });
});
