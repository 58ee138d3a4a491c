// Properties of the RPM header reader. Generated headers (every data type, aligned as rpm aligns
// them) read back tag for tag and value for value, alone and inside a whole package; index entries,
// counts and offsets that point outside the data are an RpmFormatError; and on any damage the
// reader refuses with an RpmFormatError or returns entries whose every value lies inside the
// header, without ever asking the file for a byte past its end.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ByteSource } from "../../src/sources/archive/byte-source.js";
import { readHeaderAt, readRpmLayout } from "../../src/sources/archive/rpm.js";
import { RpmFormatError, RpmType, type RpmHeader } from "../../src/sources/archive/rpm-header.js";

const RUNS = 10_000;
const INTRO = 16;
const ENTRY = 16;
const LEAD = 96;

/** One generated tag: its type and the values it holds. */
type Value =
  | { readonly type: 1 | 2; readonly values: readonly number[] } // CHAR, INT8
  | { readonly type: 3 | 4; readonly values: readonly number[] } // INT16, INT32
  | { readonly type: 5; readonly values: readonly bigint[] } // INT64
  | { readonly type: 6; readonly values: readonly [string] } // STRING
  | { readonly type: 7; readonly bytes: Uint8Array } // BIN
  | { readonly type: 8 | 9; readonly values: readonly string[] }; // STRING_ARRAY, I18NSTRING
type Tagged = Value & { readonly tag: number };

const text = fc.string({ unit: "grapheme", maxLength: 12 }).filter((s) => !s.includes("\0"));
const value: fc.Arbitrary<Value> = fc.oneof(
  fc.record({
    type: fc.constantFrom(1 as const, 2 as const),
    values: fc.array(fc.nat({ max: 0xff }), { minLength: 1, maxLength: 5 }),
  }),
  fc.record({
    type: fc.constant(3 as const),
    values: fc.array(fc.nat({ max: 0xffff }), { minLength: 1, maxLength: 5 }),
  }),
  fc.record({
    type: fc.constant(4 as const),
    values: fc.array(fc.nat({ max: 0xffffffff }), { minLength: 1, maxLength: 5 }),
  }),
  fc.record({
    type: fc.constant(5 as const),
    values: fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ type: fc.constant(6 as const), values: fc.tuple(text) }),
  fc.record({
    type: fc.constant(7 as const),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }),
  }),
  fc.record({
    type: fc.constantFrom(8 as const, 9 as const),
    values: fc.array(text, { minLength: 1, maxLength: 4 }),
  }),
);
const tagged: fc.Arbitrary<readonly Tagged[]> = fc.uniqueArray(
  fc.tuple(fc.nat({ max: 0xffffffff }), value).map(([tag, v]) => ({ ...v, tag })),
  { minLength: 1, maxLength: 8, selector: (t) => t.tag },
);

const ALIGN: Readonly<Record<number, number>> = { 3: 2, 4: 4, 5: 8 };

function encode(v: Value): { bytes: Buffer; count: number } {
  switch (v.type) {
    case 1:
    case 2:
      return { bytes: Buffer.from(v.values), count: v.values.length };
    case 3:
    case 4: {
      const width = v.type === 3 ? 2 : 4;
      const bytes = Buffer.alloc(v.values.length * width);
      for (const [i, n] of v.values.entries()) {
        if (width === 2) bytes.writeUInt16BE(n, i * 2);
        else bytes.writeUInt32BE(n, i * 4);
      }
      return { bytes, count: v.values.length };
    }
    case 5: {
      const bytes = Buffer.alloc(v.values.length * 8);
      for (const [i, n] of v.values.entries()) bytes.writeBigUInt64BE(n, i * 8);
      return { bytes, count: v.values.length };
    }
    case 7:
      return { bytes: Buffer.from(v.bytes), count: v.bytes.length };
    default:
      return {
        bytes: Buffer.concat(v.values.map((s) => Buffer.from(`${s}\0`, "utf8"))),
        count: v.values.length,
      };
  }
}

/** A header structure (magic, counts, index, aligned data), as rpm writes one. */
function headerBytes(tags: readonly Tagged[]): {
  bytes: Buffer;
  offsets: number[];
  counts: number[];
} {
  const store: Buffer[] = [];
  let size = 0;
  const offsets: number[] = [];
  const counts: number[] = [];
  for (const t of tags) {
    const padding =
      (ALIGN[t.type] ?? 1) - 1 - ((size + (ALIGN[t.type] ?? 1) - 1) % (ALIGN[t.type] ?? 1));
    store.push(Buffer.alloc(padding));
    size += padding;
    const { bytes, count } = encode(t);
    offsets.push(size);
    counts.push(count);
    store.push(bytes);
    size += bytes.length;
  }
  const intro = Buffer.alloc(INTRO);
  Buffer.from([0x8e, 0xad, 0xe8, 0x01]).copy(intro);
  intro.writeUInt32BE(tags.length, 8);
  intro.writeUInt32BE(size, 12);
  const index = tags.map((t, i) => {
    const entry = Buffer.alloc(ENTRY);
    entry.writeUInt32BE(t.tag, 0);
    entry.writeUInt32BE(t.type, 4);
    entry.writeUInt32BE(offsets[i]!, 8);
    entry.writeUInt32BE(counts[i]!, 12);
    return entry;
  });
  return { bytes: Buffer.concat([intro, ...index, ...store]), offsets, counts };
}

function lead(): Buffer {
  const bytes = Buffer.alloc(LEAD);
  Buffer.from([0xed, 0xab, 0xee, 0xdb, 3, 0]).copy(bytes);
  bytes.write("qemu-user-static-aarch64", 10, "latin1");
  bytes.writeUInt16BE(5, 78);
  return bytes;
}

/**
 * A ByteSource that fails the test on any read outside the file (what "never reads out of
 * bounds" means for a reader of untrusted packages), and records the largest read.
 */
function strictSource(bytes: Uint8Array): ByteSource & { largestRead: number } {
  const source = {
    size: bytes.length,
    largestRead: 0,
    async read(position: number, length: number): Promise<Uint8Array> {
      if (
        !Number.isSafeInteger(position) ||
        !Number.isSafeInteger(length) ||
        position < 0 ||
        length < 0 ||
        position + length > bytes.length
      ) {
        throw new Error(
          `read out of bounds: ${length} bytes at ${position} of a ${bytes.length}-byte file`,
        );
      }
      source.largestRead = Math.max(source.largestRead, length);
      return bytes.subarray(position, position + length);
    },
  };
  return source;
}

/** Each value read back as its accessor returns it. */
function readBack(header: RpmHeader, t: Tagged): unknown {
  switch (t.type) {
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
      return header.number(t.tag);
    case 7:
      return header.binary(t.tag);
    default:
      return header.stringArray(t.tag);
  }
}

function expected(t: Tagged): unknown {
  switch (t.type) {
    case 5:
      return Number(t.values[0]);
    case 7:
      return t.bytes;
    case 1:
    case 2:
    case 3:
    case 4:
      return t.values[0];
    default:
      return [...t.values];
  }
}

/** Reads and uses a header; only RpmFormatError may be thrown, and everything lies inside the data. */
async function readOrRefuse(bytes: Uint8Array, start = 0): Promise<RpmHeader | undefined> {
  let header: RpmHeader;
  try {
    header = await readHeaderAt(strictSource(bytes), start, "main header");
  } catch (error) {
    if (!(error instanceof RpmFormatError)) throw error;
    return undefined;
  }
  const dataSize = header.bytes.length - INTRO - header.entries.size * ENTRY;
  expect(header.start).toBe(start);
  expect(header.end).toBeLessThanOrEqual(bytes.length);
  for (const entry of header.entries.values()) {
    expect(entry.type).toBeLessThanOrEqual(RpmType.I18NSTRING);
    if (entry.type !== RpmType.NULL) expect(entry.offset).toBeLessThan(dataSize);
    const use = (read: () => unknown, check: (value: unknown) => void): void => {
      try {
        check(read());
      } catch (error) {
        if (!(error instanceof RpmFormatError)) throw error;
      }
    };
    use(
      () => header.number(entry.tag),
      (n) => expect(Number.isSafeInteger(n) && (n as number) >= 0).toBe(true),
    );
    use(
      () => header.binary(entry.tag),
      (b) => expect((b as Uint8Array).length).toBe(entry.count),
    );
    use(
      () => header.stringArray(entry.tag),
      (s) => {
        const strings = s as string[];
        expect(strings.length).toBe(entry.type === RpmType.STRING ? 1 : entry.count);
        // Each string and its NUL came from inside the data (UTF-8 decodes to at most one UTF-16
        // unit per byte, also when it is invalid and becomes U+FFFD).
        for (const x of strings) expect(x).not.toContain("\0");
        expect(strings.reduce((sum, x) => sum + x.length + 1, 0)).toBeLessThanOrEqual(
          dataSize - entry.offset,
        );
      },
    );
  }
  return header;
}

describe("RPM headers (10,000 generated cases per property)", () => {
  it("reads back every tag of a generated header: type, offset, count and values, and the exact header bytes", async () => {
    await fc.assert(
      fc.asyncProperty(tagged, fc.uint8Array({ maxLength: 64 }), async (tags, before) => {
        const { bytes, offsets, counts } = headerBytes(tags);
        const file = Buffer.concat([before, bytes, Buffer.from("payload")]);
        const header = await readHeaderAt(strictSource(file), before.length, "main header");
        expect(Buffer.from(header.bytes).equals(bytes)).toBe(true);
        expect(header.end).toBe(before.length + bytes.length);
        expect([...header.entries.values()]).toEqual(
          tags.map((t, i) => ({ tag: t.tag, type: t.type, offset: offsets[i], count: counts[i] })),
        );
        for (const t of tags) {
          if (t.type === 5 && t.values[0]! > BigInt(Number.MAX_SAFE_INTEGER)) {
            expect(() => header.number(t.tag)).toThrow(RpmFormatError);
            continue;
          }
          const read = readBack(header, t);
          if (t.type === 7)
            expect(Buffer.from(read as Uint8Array).equals(Buffer.from(t.bytes))).toBe(true);
          else expect(read).toEqual(expected(t));
          if (t.type === 6 || t.type === 8 || t.type === 9)
            expect(header.string(t.tag)).toBe(t.values[0]);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("finds the main header after the signature header's padding, and the payload right after it", async () => {
    await fc.assert(
      fc.asyncProperty(
        tagged,
        tagged,
        fc.uint8Array({ maxLength: 32 }),
        async (signatureTags, mainTags, payload) => {
          const signature = headerBytes(signatureTags).bytes;
          const main = headerBytes(mainTags).bytes;
          const pad = Buffer.alloc((8 - ((LEAD + signature.length) % 8)) % 8);
          const file = Buffer.concat([lead(), signature, pad, main, payload]);
          const layout = await readRpmLayout(strictSource(file)).catch((error: unknown) => {
            // A generated RPMFORMAT tag (5114) other than 4 is refused, as it must be.
            if (
              error instanceof RpmFormatError &&
              /an RPM v\d+ package|tag 5114/.test(error.message)
            )
              return undefined;
            throw error;
          });
          if (layout === undefined) {
            expect(mainTags.some((t) => t.tag === 5114)).toBe(true);
            return;
          }
          expect(layout.signature.start).toBe(LEAD);
          expect(layout.header.start).toBe(LEAD + signature.length + pad.length);
          expect(layout.payloadOffset).toBe(file.length - payload.length);
          expect(layout.payloadSize).toBe(payload.length);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("refuses an index entry whose offset or count points outside the data", async () => {
    const damage = fc.record({
      which: fc.nat(),
      field: fc.constantFrom("offset" as const, "count" as const),
      beyond: fc.oneof(fc.nat({ max: 16 }), fc.nat({ max: 0xffffffff })),
    });
    await fc.assert(
      fc.asyncProperty(tagged, damage, async (tags, { which, field, beyond }) => {
        const { bytes, offsets } = headerBytes(tags);
        const i = which % tags.length;
        const t = tags[i]!;
        const dataSize = bytes.readUInt32BE(12);
        const at = INTRO + i * ENTRY + (field === "offset" ? 8 : 12);
        const elementSize = ({ 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1 } as Record<number, number>)[
          t.type
        ];
        let bad: number;
        if (field === "offset") bad = Math.min(0xffffffff, dataSize + beyond);
        else if (elementSize !== undefined)
          bad = Math.min(
            0xffffffff,
            Math.floor((dataSize - offsets[i]!) / elementSize) + 1 + beyond,
          );
        else if (t.type === 6)
          return; // a STRING's count is not used: it holds one string
        else bad = Math.min(0xffffffff, dataSize - offsets[i]! + 1 + beyond); // more strings than bytes left
        bytes.writeUInt32BE(bad, at);
        await expect(readHeaderAt(strictSource(bytes), 0, "main header")).rejects.toBeInstanceOf(
          RpmFormatError,
        );
      }),
      { numRuns: RUNS },
    );
  });

  it("refuses a header whose entry count or data size runs past the end of the file, without reading past it", async () => {
    const damage = fc.record({
      field: fc.constantFrom(8, 12),
      extra: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 0xffffffff })),
    });
    await fc.assert(
      fc.asyncProperty(tagged, damage, async (tags, { field, extra }) => {
        const { bytes } = headerBytes(tags);
        bytes.writeUInt32BE(Math.min(0xffffffff, bytes.readUInt32BE(field) + extra), field);
        const source = strictSource(bytes);
        await expect(readHeaderAt(source, 0, "main header")).rejects.toBeInstanceOf(RpmFormatError);
        expect(source.largestRead).toBeLessThanOrEqual(INTRO);
      }),
      { numRuns: RUNS },
    );
  });

  it("on random damage or truncation: an RpmFormatError, or entries and values that lie inside the header", async () => {
    const damaged = fc
      .tuple(
        tagged,
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 0xffffffff }), fc.boolean()), {
          minLength: 1,
          maxLength: 4,
        }),
        // A truncation in one case out of four.
        fc.oneof(
          { arbitrary: fc.constant(undefined), weight: 3 },
          { arbitrary: fc.nat(), weight: 1 },
        ),
      )
      .map(([tags, changes, cut]) => {
        const bytes = Buffer.from(headerBytes(tags).bytes);
        for (const [at, value, word] of changes) {
          // Whole 32-bit fields of the intro and index, or single bytes anywhere.
          if (word) bytes.writeUInt32BE(value, 8 + 4 * (at % Math.floor((bytes.length - 8) / 4)));
          else bytes[at % bytes.length] = value & 0xff;
        }
        return cut === undefined ? bytes : bytes.subarray(0, cut % bytes.length);
      });
    let parsed = 0;
    await fc.assert(
      fc.asyncProperty(damaged, async (bytes) => {
        if ((await readOrRefuse(bytes)) !== undefined) parsed += 1;
      }),
      { numRuns: RUNS },
    );
    // The property also looked at headers that were read, not only at refusals.
    expect(parsed).toBeGreaterThan(RUNS / 40);
  });
});
