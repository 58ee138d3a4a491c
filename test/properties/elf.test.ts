// Properties of the ELF reader. Generated headers (either class and byte order, any number of
// program headers, placed anywhere inside a larger buffer) read back exactly; every truncation is
// refused; random and mutated bytes (from a real emulator) give an ElfFormatError or a header,
// never a RangeError from reading out of bounds; and absurd table sizes are refused before anything
// that large is read.
import { open } from "node:fs/promises";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ELF_HEADER_BYTES,
  elfBytesNeeded,
  ElfFormatError,
  MAX_ELF_PREFIX_BYTES,
  PT_DYNAMIC,
  PT_INTERP,
  readElfHeader,
  type ElfHeader,
} from "../../src/files/elf.js";
import { emulatorPath, requireFixtures } from "../helpers/fixtures.js";

const RUNS = 10_000;

interface GeneratedElf {
  readonly header: ElfHeader;
  readonly programHeaderOffset: number;
  readonly programHeaderSize: number;
  readonly programTypes: readonly number[];
}

const programType = fc.oneof(
  fc.constantFrom(0, 1, PT_DYNAMIC, PT_INTERP, 4, 6, 7, 0x6474e550, 0x6474e551),
  fc.nat({ max: 0xffffffff }),
);

const generatedElf: fc.Arbitrary<GeneratedElf> = fc
  .record({
    class: fc.constantFrom(32 as const, 64 as const),
    endian: fc.constantFrom("little" as const, "big" as const),
    type: fc.nat({ max: 0xffff }),
    machine: fc.nat({ max: 0xffff }),
    flags: fc.nat({ max: 0xffffffff }),
    programTypes: fc.array(programType, { maxLength: 24 }),
    extraEntrySize: fc.nat({ max: 16 }),
    gap: fc.nat({ max: 300 }),
  })
  .map(({ programTypes, extraEntrySize, gap, ...header }) => {
    const programHeaderSize = (header.class === 32 ? 32 : 56) + extraEntrySize;
    return {
      header: {
        ...header,
        hasInterp: programTypes.includes(PT_INTERP),
        hasDynamic: programTypes.includes(PT_DYNAMIC),
      },
      programHeaderOffset: (header.class === 32 ? 52 : 64) + gap,
      programHeaderSize,
      programTypes,
    };
  });

/** Writes the ELF header and program header types, exactly as long as a reader needs. */
function encodeElf(elf: GeneratedElf): Uint8Array {
  const { header } = elf;
  const headerSize = header.class === 32 ? 52 : 64;
  const end =
    elf.programTypes.length === 0
      ? headerSize
      : Math.max(
          headerSize,
          elf.programHeaderOffset + elf.programHeaderSize * elf.programTypes.length,
        );
  const bytes = new Uint8Array(end);
  const view = new DataView(bytes.buffer);
  const little = header.endian === "little";
  bytes.set([0x7f, 0x45, 0x4c, 0x46, header.class === 32 ? 1 : 2, little ? 1 : 2, 1]);
  view.setUint16(16, header.type, little);
  view.setUint16(18, header.machine, little);
  if (header.class === 32) {
    view.setUint32(28, elf.programHeaderOffset, little);
    view.setUint32(36, header.flags, little);
    view.setUint16(42, elf.programHeaderSize, little);
    view.setUint16(44, elf.programTypes.length, little);
  } else {
    view.setBigUint64(32, BigInt(elf.programHeaderOffset), little);
    view.setUint32(48, header.flags, little);
    view.setUint16(54, elf.programHeaderSize, little);
    view.setUint16(56, elf.programTypes.length, little);
  }
  for (const [i, type] of elf.programTypes.entries())
    view.setUint32(elf.programHeaderOffset + i * elf.programHeaderSize, type, little);
  return bytes;
}

/** Places bytes inside a larger buffer of 0xa5 filler, so reads that ignore byteOffset show. */
function embedded(bytes: Uint8Array, before: number, after: number): Uint8Array {
  const buffer = new Uint8Array(before + bytes.length + after).fill(0xa5);
  buffer.set(bytes, before);
  return buffer.subarray(before, before + bytes.length);
}

/** Reads, turning only ElfFormatErrors into undefined: a RangeError (out of bounds) fails. */
function readOrRefuse(bytes: Uint8Array): ElfHeader | undefined {
  try {
    const needed = elfBytesNeeded(bytes);
    expect(needed).toBeLessThanOrEqual(MAX_ELF_PREFIX_BYTES);
    return readElfHeader(bytes);
  } catch (error) {
    if (!(error instanceof ElfFormatError)) throw error;
    return undefined;
  }
}

let realPrefix: Uint8Array;
beforeAll(async () => {
  requireFixtures();
  const file = await open(emulatorPath("aarch64"), "r");
  try {
    const first = new Uint8Array(ELF_HEADER_BYTES);
    await file.read(first, 0, first.length, 0);
    realPrefix = new Uint8Array(elfBytesNeeded(first));
    await file.read(realPrefix, 0, realPrefix.length, 0);
  } finally {
    await file.close();
  }
});

describe("readElfHeader and elfBytesNeeded (10,000 generated cases per property)", () => {
  it("read back every field of a generated header, wherever the bytes sit in their buffer", () => {
    fc.assert(
      fc.property(generatedElf, fc.nat({ max: 32 }), fc.nat({ max: 32 }), (elf, before, after) => {
        const bytes = embedded(encodeElf(elf), before, after);
        expect(elfBytesNeeded(bytes.subarray(0, Math.min(bytes.length, ELF_HEADER_BYTES)))).toBe(
          bytes.length,
        );
        expect(readElfHeader(bytes)).toEqual(elf.header);
      }),
      { numRuns: RUNS },
    );
  });

  it("refuse every truncation of a generated header with an ElfFormatError", () => {
    fc.assert(
      fc.property(generatedElf, fc.nat(), (elf, cut) => {
        const full = encodeElf(elf);
        const truncated = embedded(full, 0, 8).subarray(0, cut % full.length);
        expect(() => readElfHeader(truncated)).toThrow(ElfFormatError);
      }),
      { numRuns: RUNS },
    );
  });

  it("give an ElfFormatError or a header for random bytes behind an ELF signature, never an out-of-bounds read", () => {
    const bytes = fc
      .tuple(
        fc.constantFrom(1, 2, 0, 3),
        fc.constantFrom(1, 2, 0, 7),
        fc.uint8Array({ maxLength: 400 }),
      )
      .map(([elfClass, data, rest]) =>
        Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, elfClass, data, ...rest]),
      );
    fc.assert(
      fc.property(bytes, fc.nat({ max: 400 }), (candidate, cut) => {
        readOrRefuse(candidate.subarray(0, cut));
      }),
      { numRuns: RUNS },
    );
  });

  it("give an ElfFormatError or a header for random mutations of a real emulator's header", () => {
    const mutation = fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), {
      minLength: 1,
      maxLength: 8,
    });
    fc.assert(
      fc.property(mutation, fc.nat(), (changes, cut) => {
        const bytes = Uint8Array.from(realPrefix);
        for (const [at, value] of changes) bytes[at % bytes.length] = value;
        const header = readOrRefuse(bytes.subarray(0, cut % (bytes.length + 1)));
        if (header !== undefined) expect([32, 64]).toContain(header.class);
      }),
      { numRuns: RUNS },
    );
  });

  it("refuse program header tables beyond what qus reads, without reading them", () => {
    const table = fc.record({
      class: fc.constantFrom(32 as const, 64 as const),
      offset: fc.oneof(
        fc.nat({ max: 0xffffffff }),
        fc.constantFrom(MAX_ELF_PREFIX_BYTES - 64, MAX_ELF_PREFIX_BYTES),
      ),
      highOffset: fc.nat({ max: 0xffffffff }),
      size: fc.integer({ min: 4, max: 0xffff }),
      count: fc.integer({ min: 1, max: 0xfffe }),
    });
    fc.assert(
      fc.property(table, ({ class: elfClass, offset, highOffset, size, count }) => {
        const bytes = new Uint8Array(64);
        const view = new DataView(bytes.buffer);
        bytes.set([0x7f, 0x45, 0x4c, 0x46, elfClass === 32 ? 1 : 2, 1, 1]);
        const fullOffset = elfClass === 32 ? offset : offset + highOffset * 2 ** 32;
        if (elfClass === 32) {
          view.setUint32(28, offset, true);
          view.setUint16(42, size, true);
          view.setUint16(44, count, true);
        } else {
          view.setBigUint64(32, BigInt(offset) + (BigInt(highOffset) << 32n), true);
          view.setUint16(54, size, true);
          view.setUint16(56, count, true);
        }
        const end = fullOffset + size * count;
        if (end > MAX_ELF_PREFIX_BYTES) {
          expect(() => elfBytesNeeded(bytes)).toThrow(ElfFormatError);
        } else {
          expect(elfBytesNeeded(bytes)).toBe(Math.max(end, elfClass === 32 ? 52 : 64));
          // The 64 bytes given are too few for the table: refused, not read past their end.
          if (end > 64) expect(() => readElfHeader(bytes)).toThrow(ElfFormatError);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
