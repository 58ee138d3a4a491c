// Properties of the streaming tar reader (the data member of a .deb). Generated archives (ustar,
// GNU long names, pax paths) read back entry for entry in any chunking; random damage gives a
// TarFormatError or well-formed entries, never a hang; and an entry declaring up to 1 TB behind a
// tiny body ends in a TarFormatError after handing out only the bytes that exist.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readTar, TarFormatError, type TarEntryType } from "../../src/sources/archive/tar.js";

const RUNS = 10_000;
const BLOCK = 512;

interface GeneratedEntry {
  readonly path: string;
  readonly type: TarEntryType;
  readonly data: Uint8Array;
  readonly longName: "gnu" | "pax" | "none";
}

const TYPEFLAGS: Record<string, string> = { file: "0", directory: "5", symlink: "2" };

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

function headerBlock(name: string, typeflag: string, size: number): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const put = (text: string, at: number) =>
    block.set(Buffer.from(text, "utf8").subarray(0, Math.max(0, BLOCK - at)), at);
  put(name, 0);
  put(octal(0o644, 8), 100);
  put(octal(0, 8), 108);
  put(octal(0, 8), 116);
  put(size <= 0o77777777777 ? octal(size, 12) : "", 124);
  if (size > 0o77777777777) {
    block[124] = 0x80;
    for (let i = 135, v = size; i > 124; i--, v = Math.floor(v / 256)) block[i] = v % 256;
  }
  put(octal(0, 12), 136);
  put(typeflag, 156);
  put("ustar\0", 257);
  put("00", 263);
  put("        ", 148);
  const sum = block.reduce((a, b) => a + b, 0);
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return block;
}

function padded(data: Uint8Array): Uint8Array[] {
  return [data, new Uint8Array((BLOCK - (data.length % BLOCK)) % BLOCK)];
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length)
    length = String(length).length + Buffer.byteLength(body);
  return `${length}${body}`;
}

function tarArchive(entries: readonly GeneratedEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    const data = e.type === "file" ? e.data : new Uint8Array();
    if (e.longName === "gnu") {
      const name = Buffer.from(`${e.path}\0`);
      parts.push(headerBlock("././@LongLink", "L", name.length), ...padded(name));
    } else if (e.longName === "pax") {
      const pax = Buffer.from(paxRecord("path", e.path));
      parts.push(headerBlock("PaxHeaders/x", "x", pax.length), ...padded(pax));
    }
    const ownName = e.longName === "none" ? e.path : "placeholder";
    parts.push(headerBlock(ownName, TYPEFLAGS[e.type]!, data.length), ...padded(data));
  }
  parts.push(new Uint8Array(2 * BLOCK));
  return Buffer.concat(parts);
}

const segment = fc.stringMatching(/^[A-Za-z0-9._+-]{1,40}$/);
const entry: fc.Arbitrary<GeneratedEntry> = fc
  .record({
    segments: fc.array(segment, { minLength: 1, maxLength: 6 }),
    type: fc.constantFrom<TarEntryType>("file", "file", "directory", "symlink"),
    data: fc.uint8Array({ maxLength: 700 }),
    longName: fc.constantFrom("gnu" as const, "pax" as const, "none" as const),
  })
  .map(({ segments, longName, ...rest }) => {
    const path = `./${segments.join("/")}`;
    // A name that fits in the header may still use a long-name record; one that does not, must.
    return {
      ...rest,
      path,
      longName: Buffer.byteLength(path) >= 100 && longName === "none" ? "gnu" : longName,
    };
  });

async function* chunked(bytes: Uint8Array, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = sizes.length === 0 ? bytes.length : Math.max(1, sizes[i % sizes.length]!);
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

interface ReadEntry {
  readonly path: string;
  readonly type: TarEntryType;
  readonly size: number;
  readonly data: Buffer;
}

/** Reads every entry and body; only TarFormatError may be thrown. Counts the bytes handed out. */
async function readAll(
  bytes: Uint8Array,
  sizes: readonly number[] = [],
): Promise<{ entries: ReadEntry[]; handedOut: number; error?: TarFormatError }> {
  const entries: ReadEntry[] = [];
  let handedOut = 0;
  try {
    for await (const { entry: e, body } of readTar(chunked(bytes, sizes))) {
      const chunks: Buffer[] = [];
      for await (const chunk of body) {
        handedOut += chunk.length;
        chunks.push(Buffer.from(chunk));
      }
      entries.push({ path: e.path, type: e.type, size: e.size, data: Buffer.concat(chunks) });
    }
  } catch (error) {
    if (!(error instanceof TarFormatError)) throw error;
    return { entries, handedOut, error };
  }
  return { entries, handedOut };
}

describe("readTar (10,000 generated cases per property)", () => {
  it("reads back every entry of a generated archive, in any chunking", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(entry, { maxLength: 3 }),
        fc.array(fc.integer({ min: 1, max: 1500 }), { maxLength: 4 }),
        async (entries, sizes) => {
          const { entries: read, error } = await readAll(tarArchive(entries), sizes);
          expect(error).toBeUndefined();
          expect(read.map((e) => [e.path, e.type, e.size])).toEqual(
            entries.map((e) => [e.path, e.type, e.type === "file" ? e.data.length : 0]),
          );
          for (const [i, e] of read.entries()) {
            const want = entries[i]!;
            expect(e.data.equals(want.type === "file" ? want.data : new Uint8Array())).toBe(true);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("on random damage or truncation: a TarFormatError or well-formed entries, never more bytes than the input holds", async () => {
    const damaged = fc
      .tuple(
        fc.array(entry, { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 4 }),
        fc.nat(),
        fc.boolean(),
      )
      .map(([entries, changes, cut, truncate]) => {
        const bytes = Uint8Array.from(tarArchive(entries));
        for (const [at, value] of changes) bytes[at % bytes.length] = value;
        return truncate ? bytes.subarray(0, cut % bytes.length) : bytes;
      });
    await fc.assert(
      fc.asyncProperty(damaged, async (bytes) => {
        const { entries, handedOut } = await readAll(bytes, [700]);
        expect(handedOut).toBeLessThanOrEqual(bytes.length);
        for (const e of entries) {
          expect(Number.isSafeInteger(e.size) && e.size >= 0).toBe(true);
          expect(e.data.length).toBe(e.size);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("on an entry declaring up to 1 TB (octal or base-256) behind a tiny body: a TarFormatError after only the real bytes", async () => {
    const claim = fc.record({
      declared: fc.oneof(
        fc.integer({ min: 100_000_000, max: 0o77777777777 }),
        fc.integer({ min: 2 ** 33, max: 2 ** 40 }),
      ),
      body: fc.nat({ max: 2000 }),
    });
    await fc.assert(
      fc.asyncProperty(claim, async ({ declared, body }) => {
        const bytes = Buffer.concat([
          headerBlock("./usr/bin/qemu-aarch64-static", "0", declared),
          new Uint8Array(body),
        ]);
        const { entries, handedOut, error } = await readAll(bytes);
        expect(error).toBeInstanceOf(TarFormatError);
        expect(entries).toEqual([]);
        expect(handedOut).toBeLessThanOrEqual(body);
      }),
      { numRuns: RUNS },
    );
  });

  it("refuses GNU long names and pax headers that declare more than qus reads, before reading them", async () => {
    const claim = fc.record({
      declared: fc.integer({ min: 1024 * 1024 + 1, max: 2 ** 33 }),
      typeflag: fc.constantFrom("L", "K", "x", "g"),
    });
    await fc.assert(
      fc.asyncProperty(claim, async ({ declared, typeflag }) => {
        const { error, handedOut } = await readAll(
          Buffer.concat([headerBlock("././@LongLink", typeflag, declared), new Uint8Array(BLOCK)]),
        );
        expect(error?.message).toMatch(/too large/);
        expect(handedOut).toBe(0);
      }),
      { numRuns: RUNS },
    );
  });
});
