// Properties of the ar reader (.deb containers). Generated archives list exactly their members;
// random damage to the header region of a real .deb gives an ArFormatError or members that lie
// inside the file; and a member declaring up to 10 GB behind a tiny body is refused or listed
// without reading more than the 60-byte headers, so nothing that large is ever allocated.
import { open } from "node:fs/promises";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { ArFormatError, listArMembers, type ArMember } from "../../src/sources/archive/ar.js";
import { bytesSource, type ByteSource } from "../../src/sources/archive/byte-source.js";
import { busyboxDeb, requireFixtures } from "../helpers/fixtures.js";

const RUNS = 10_000;
const HEADER_BYTES = 60;
const REAL_PREFIX_BYTES = 512;

interface GeneratedMember {
  readonly name: string;
  readonly mode: number;
  readonly data: Uint8Array;
  readonly gnuName: boolean;
}

const member: fc.Arbitrary<GeneratedMember> = fc.record({
  name: fc.stringMatching(/^[A-Za-z0-9._+-]{1,15}$/),
  mode: fc.nat({ max: 0o7777777 }),
  data: fc.uint8Array({ maxLength: 200 }),
  gnuName: fc.boolean(),
});

function header(name: string, size: number, mode: number): string {
  return `${name.padEnd(16)}${"0".padEnd(12)}${"0".padEnd(6)}${"0".padEnd(6)}${mode.toString(8).padEnd(8)}${String(size).padEnd(10)}\`\n`;
}

function archive(members: readonly GeneratedMember[]): Uint8Array {
  const parts: Uint8Array[] = [Buffer.from("!<arch>\n")];
  for (const m of members) {
    parts.push(
      Buffer.from(header(m.gnuName ? `${m.name}/` : m.name, m.data.length, m.mode), "latin1"),
      m.data,
    );
    if (m.data.length % 2 === 1) parts.push(Buffer.from("\n"));
  }
  return Buffer.concat(parts);
}

/**
 * A file of `size` bytes whose first bytes are `prefix` and the rest zeros, never materialised;
 * it records the largest single read and the total read, to prove what the reader asked for.
 */
function virtualFile(
  prefix: Uint8Array,
  size: number,
): ByteSource & { largestRead: number; totalRead: number } {
  const file = {
    size,
    largestRead: 0,
    totalRead: 0,
    async read(position: number, length: number): Promise<Uint8Array> {
      file.largestRead = Math.max(file.largestRead, length);
      const out = new Uint8Array(Math.max(0, Math.min(length, size - position)));
      out.set(
        prefix.subarray(
          Math.min(position, prefix.length),
          Math.min(position + out.length, prefix.length),
        ),
      );
      file.totalRead += out.length;
      return out;
    },
  };
  return file;
}

async function listOrRefuse(source: ByteSource): Promise<ArMember[] | undefined> {
  try {
    return await listArMembers(source);
  } catch (error) {
    if (!(error instanceof ArFormatError)) throw error;
    return undefined;
  }
}

function expectInsideFile(members: readonly ArMember[], size: number): void {
  expect(members.length).toBeLessThanOrEqual(64);
  let end = 8;
  for (const m of members) {
    expect(m.offset).toBeGreaterThanOrEqual(end + HEADER_BYTES);
    expect(Number.isSafeInteger(m.size) && m.size >= 0).toBe(true);
    expect(m.offset + m.size).toBeLessThanOrEqual(size);
    expect(m.name).not.toBe("");
    end = m.offset + m.size;
  }
}

let realPrefix: Uint8Array;
let realSize: number;
beforeAll(async () => {
  requireFixtures();
  const file = await open(busyboxDeb(), "r");
  try {
    realSize = (await file.stat()).size;
    realPrefix = new Uint8Array(REAL_PREFIX_BYTES);
    await file.read(realPrefix, 0, REAL_PREFIX_BYTES, 0);
  } finally {
    await file.close();
  }
});

describe("listArMembers (10,000 generated cases per property)", () => {
  it("lists exactly the members of a generated archive, at their offsets, with dpkg and GNU names", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(member, { maxLength: 6 }), async (members) => {
        const bytes = archive(members);
        const listed = await listArMembers(bytesSource(bytes));
        expect(listed.map((m) => [m.name, m.size, m.mode])).toEqual(
          members.map((m) => [m.name, m.data.length, m.mode]),
        );
        for (const [i, m] of listed.entries())
          expect(
            Buffer.from(bytes.subarray(m.offset, m.offset + m.size)).equals(members[i]!.data),
          ).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("on random damage to a real .deb's header region: an ArFormatError or members inside the file, reading headers only", async () => {
    const damage = fc.array(fc.tuple(fc.nat({ max: 200 }), fc.nat({ max: 255 })), {
      minLength: 1,
      maxLength: 6,
    });
    await fc.assert(
      fc.asyncProperty(damage, async (changes) => {
        const prefix = Uint8Array.from(realPrefix);
        for (const [at, value] of changes) prefix[at] = value;
        const file = virtualFile(prefix, realSize);
        const members = await listOrRefuse(file);
        if (members !== undefined) expectInsideFile(members, realSize);
        expect(file.largestRead).toBeLessThanOrEqual(HEADER_BYTES);
      }),
      { numRuns: RUNS },
    );
  });

  it("on a member declaring up to 10 GB: refused when the file is shorter, and never read beyond its headers", async () => {
    const claim = fc.record({
      declared: fc.oneof(
        fc.integer({ min: 100_000_000, max: 9_999_999_999 }),
        fc.nat({ max: 1000 }),
      ),
      body: fc.nat({ max: 64 }),
      fileIsLong: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(claim, async ({ declared, body, fileIsLong }) => {
        const prefix = Buffer.concat([
          Buffer.from("!<arch>\n"),
          Buffer.from(header("data.tar.xz", declared, 0o644), "latin1"),
          Buffer.alloc(body, 0x41),
        ]);
        // A long file is as large as the claim (a virtual one: its bytes are never made).
        const size = fileIsLong
          ? Math.max(prefix.length, 8 + HEADER_BYTES + declared)
          : prefix.length;
        const file = virtualFile(prefix, size);
        const members = await listOrRefuse(file);
        if (8 + HEADER_BYTES + declared > size) expect(members).toBeUndefined();
        if (members !== undefined) expectInsideFile(members, size);
        expect(file.largestRead).toBeLessThanOrEqual(HEADER_BYTES);
        expect(file.totalRead).toBeLessThanOrEqual(8 + 2 * HEADER_BYTES);
      }),
      { numRuns: RUNS },
    );
  });

  it("never throws anything but ArFormatError on random bytes behind the signature", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.boolean(), async (rest, signed) => {
        const bytes = signed ? Buffer.concat([Buffer.from("!<arch>\n"), rest]) : Buffer.from(rest);
        const members = await listOrRefuse(bytesSource(bytes));
        if (members !== undefined) expectInsideFile(members, bytes.length);
      }),
      { numRuns: RUNS },
    );
  });
});
