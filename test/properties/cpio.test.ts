// Properties of the streaming cpio "newc" reader (the payload of an RPM). Generated archives read
// back entry for entry, in any chunking, whether each body is read, partly read or skipped; bodies
// are handed out as views of the input, never copies; every truncation and random damage gives a
// CpioFormatError or well-formed entries; and sizes declared up to 4 GiB behind a tiny body end in
// a CpioFormatError after handing out only the bytes that exist.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CpioFormatError, readCpio, type CpioEntryType } from "../../src/sources/archive/cpio.js";

const RUNS = 10_000;
const HEADER = 110;
const MAX_NAME = 4096;

interface GeneratedEntry {
  readonly path: string;
  readonly mode: number;
  readonly type: CpioEntryType;
  readonly ino: number;
  readonly nlink: number;
  readonly data: Uint8Array;
  readonly magic: "070701" | "070702";
}

const FILE_TYPES: Readonly<Record<CpioEntryType, number>> = {
  file: 0o100000,
  directory: 0o040000,
  symlink: 0o120000,
  other: 0o020000,
};

const pad = (length: number): Uint8Array => new Uint8Array((4 - (length % 4)) % 4);
const hex = (value: number): string => value.toString(16).toUpperCase().padStart(8, "0");

function header(
  fields: { ino: number; mode: number; nlink: number; size: number; nameSize: number },
  magic = "070701",
): Uint8Array {
  const { ino, mode, nlink, size, nameSize } = fields;
  // ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor namesize check
  return Buffer.from(
    `${magic}${[ino, mode, 0, 0, nlink, 0, size, 0, 0, 0, 0, nameSize, 0].map(hex).join("")}`,
    "latin1",
  );
}

function member(
  path: string,
  fields: Omit<Parameters<typeof header>[0], "nameSize" | "size">,
  data: Uint8Array,
  magic?: string,
): Uint8Array[] {
  const name = Buffer.from(`${path}\0`, "utf8");
  return [
    header({ ...fields, size: data.length, nameSize: name.length }, magic),
    name,
    pad(HEADER + name.length),
    data,
    pad(data.length),
  ];
}

function newcArchive(entries: readonly GeneratedEntry[]): Uint8Array {
  const parts = entries.flatMap((e) =>
    member(e.path, { ino: e.ino, mode: e.mode, nlink: e.nlink }, e.data, e.magic),
  );
  parts.push(...member("TRAILER!!!", { ino: 0, mode: 0, nlink: 1 }, new Uint8Array()));
  return Buffer.concat(parts);
}

const segment = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._+-]{1,30}$/),
  fc.constantFrom("é", "日本", "qemu-aarch64-static", "binfmt.d"),
);
const entry: fc.Arbitrary<GeneratedEntry> = fc
  .record({
    segments: fc.array(segment, { minLength: 1, maxLength: 5 }),
    type: fc.constantFrom<CpioEntryType>("file", "file", "directory", "symlink", "other"),
    permissions: fc.nat({ max: 0o7777 }),
    ino: fc.nat({ max: 0xffffffff }),
    nlink: fc.nat({ max: 0xffffffff }),
    data: fc.uint8Array({ maxLength: 300 }),
    magic: fc.constantFrom("070701" as const, "070702" as const),
  })
  .map(({ segments, type, permissions, ...rest }) => ({
    ...rest,
    type,
    path: `./${segments.join("/")}`,
    mode: FILE_TYPES[type] | permissions,
  }));

/** What the consumer does with each body: read it all, read the first chunk only, or ignore it. */
type BodyUse = "read" | "first-chunk" | "ignore";

/** The input in chunks of the given sizes (cycled); counts the bytes the reader pulled. */
function chunked(
  bytes: Uint8Array,
  sizes: readonly number[],
): AsyncIterable<Uint8Array> & { pulled: number } {
  const source = {
    pulled: 0,
    async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
      let at = 0;
      for (let i = 0; at < bytes.length; i++) {
        const size = sizes.length === 0 ? bytes.length : Math.max(1, sizes[i % sizes.length]!);
        const chunk = bytes.subarray(at, at + size);
        at += chunk.length;
        source.pulled += chunk.length;
        yield chunk;
      }
    },
  };
  return source;
}

interface ReadEntry {
  readonly path: string;
  readonly type: CpioEntryType;
  readonly mode: number;
  readonly size: number;
  readonly ino: number;
  readonly nlink: number;
  readonly data: Buffer;
}

/**
 * Reads the archive; only CpioFormatError may be thrown. Counts the body bytes handed out and
 * checks every body chunk is a view of the input's own memory (no copy, however large the body).
 */
async function readAll(
  bytes: Uint8Array,
  sizes: readonly number[] = [],
  uses: readonly BodyUse[] = ["read"],
) {
  const entries: ReadEntry[] = [];
  const source = chunked(bytes, sizes);
  let handedOut = 0;
  let copies = 0;
  try {
    for await (const { entry: e, body } of readCpio(source)) {
      const use = uses[entries.length % uses.length]!;
      const chunks: Buffer[] = [];
      if (use !== "ignore") {
        for await (const chunk of body) {
          handedOut += chunk.length;
          if (chunk.buffer !== bytes.buffer) copies += 1;
          chunks.push(Buffer.from(chunk));
          if (use === "first-chunk") break;
        }
      }
      entries.push({
        path: e.path,
        type: e.type,
        mode: e.mode,
        size: e.size,
        ino: e.ino,
        nlink: e.nlink,
        data: Buffer.concat(chunks),
      });
    }
  } catch (error) {
    if (!(error instanceof CpioFormatError)) throw error;
    return { entries, handedOut, copies, pulled: source.pulled, error };
  }
  return { entries, handedOut, copies, pulled: source.pulled, error: undefined };
}

const chunkSizes = fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 4 });
const bodyUses = fc.array(fc.constantFrom<BodyUse>("read", "first-chunk", "ignore"), {
  minLength: 1,
  maxLength: 4,
});

describe("readCpio (10,000 generated cases per property)", () => {
  it("reads back every entry of a generated archive, in any chunking, whether bodies are read, partly read or skipped", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(entry, { maxLength: 4 }),
        chunkSizes,
        bodyUses,
        async (generated, sizes, uses) => {
          const bytes = newcArchive(generated);
          const { entries, error, copies, handedOut } = await readAll(bytes, sizes, uses);
          expect(error).toBeUndefined();
          expect(copies).toBe(0);
          expect(entries.map((e) => [e.path, e.type, e.mode, e.size, e.ino, e.nlink])).toEqual(
            generated.map((g) => [g.path, g.type, g.mode, g.data.length, g.ino, g.nlink]),
          );
          entries.forEach((e, i) => {
            const data = Buffer.from(generated[i]!.data);
            const use = uses[i % uses.length]!;
            if (use === "read") expect(e.data.equals(data)).toBe(true);
            if (use === "first-chunk")
              expect(e.data.equals(data.subarray(0, e.data.length))).toBe(true);
            if (use === "ignore") expect(e.data.length).toBe(0);
          });
          expect(handedOut).toBeLessThanOrEqual(
            generated.reduce((sum, g) => sum + g.data.length, 0),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("refuses every truncation with a CpioFormatError, having handed out only bytes that exist", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(entry, { maxLength: 3 }),
        fc.nat(),
        chunkSizes,
        async (generated, cut, sizes) => {
          const bytes = newcArchive(generated);
          const truncated = bytes.subarray(0, cut % bytes.length);
          const { error, handedOut } = await readAll(truncated, sizes);
          expect(error).toBeInstanceOf(CpioFormatError);
          expect(handedOut).toBeLessThanOrEqual(truncated.length);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("on random damage: a CpioFormatError or well-formed entries, never more bytes than the input holds", async () => {
    const damaged = fc
      .tuple(
        fc.array(entry, { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
      )
      .map(([generated, changes, inHeaders]) => {
        const bytes = Uint8Array.from(newcArchive(generated));
        // Half the time the damage lands in the first header, where every field is read.
        for (const [at, value] of changes)
          bytes[inHeaders ? at % HEADER : at % bytes.length] = inHeaders
            ? "0123456789ABCDEFXx7"[value % 19]!.charCodeAt(0)
            : value;
        return bytes;
      });
    await fc.assert(
      fc.asyncProperty(damaged, chunkSizes, async (bytes, sizes) => {
        const { entries, handedOut, copies } = await readAll(bytes, sizes);
        expect(handedOut).toBeLessThanOrEqual(bytes.length);
        expect(copies).toBe(0);
        for (const e of entries) {
          expect(Number.isSafeInteger(e.size) && e.size >= 0 && e.size <= 0xffffffff).toBe(true);
          expect(e.data.length).toBe(e.size);
          expect(e.path).not.toContain("\0");
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("on a body declaring up to 4 GiB behind a tiny one: a CpioFormatError after only the real bytes, none copied", async () => {
    const claim = fc.record({
      declared: fc.oneof(
        fc.integer({ min: 100_000_000, max: 0xffffffff }),
        fc.integer({ min: 1000, max: 100_000 }),
      ),
      body: fc.nat({ max: 999 }),
      read: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(claim, chunkSizes, async ({ declared, body, read }, sizes) => {
        const name = Buffer.from("./usr/bin/qemu-aarch64-static\0");
        const bytes = Buffer.concat([
          header({ ino: 1, mode: 0o100755, nlink: 1, size: declared, nameSize: name.length }),
          name,
          pad(HEADER + name.length),
          new Uint8Array(body),
        ]);
        const { entries, error, handedOut, copies } = await readAll(bytes, sizes, [
          read ? "read" : "ignore",
        ]);
        expect(error).toBeInstanceOf(CpioFormatError);
        expect(entries.length).toBeLessThanOrEqual(1);
        expect(handedOut).toBeLessThanOrEqual(body);
        expect(copies).toBe(0);
      }),
      { numRuns: RUNS },
    );
  });

  it("refuses a name declaring more than 4096 bytes (up to 4 GiB) before reading it", async () => {
    const claim = fc.record({
      nameSize: fc.oneof(fc.integer({ min: MAX_NAME + 1, max: 0xffffffff }), fc.constant(0)),
      rest: fc.nat({ max: 5000 }),
    });
    await fc.assert(
      fc.asyncProperty(claim, async ({ nameSize, rest }) => {
        const bytes = Buffer.concat([
          header({ ino: 1, mode: 0o100644, nlink: 1, size: 0, nameSize }),
          new Uint8Array(rest).fill(0x41),
        ]);
        const { error, pulled } = await readAll(bytes, [16]);
        expect(error?.message).toMatch(/has a name of \d+ bytes/);
        // The header, and at most the rest of the chunk it ended in.
        expect(pulled).toBeLessThanOrEqual(HEADER + 16);
      }),
      { numRuns: RUNS },
    );
  });
});
