// The xz index reader and the standalone streams made of some blocks: checked against xz(1)
// itself, which lists the same blocks and decodes every run stream to the matching output suffix.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { bytesSource, openFileSource } from "../../../src/sources/archive/byte-source.js";
import { crc32 } from "../../../src/sources/archive/crc32.js";
import { readDebLayout } from "../../../src/sources/archive/deb.js";
import {
  checkSize,
  readXzLayout,
  xzRun,
  XzIndexError,
  type XzLayout,
} from "../../../src/sources/archive/xz-index.js";
import { qemuDeb } from "../../helpers/fixtures.js";

/** Compressible, not trivial: `size` bytes of hex text from a seed. */
function text(size: number, seed = 0): Buffer {
  const parts: string[] = [];
  for (let i = 0, length = 0; length < size; i++) {
    const part = createHash("sha256")
      .update(`${seed}:${i % 3000}`)
      .digest("hex");
    parts.push(part);
    length += part.length;
  }
  return Buffer.from(parts.join("")).subarray(0, size);
}

function xz(data: Buffer, args: string[]): Buffer {
  return execFileSync("xz", ["-c", "-0", ...args], { input: data, maxBuffer: 256 * 1024 * 1024 });
}

/** The blocks as `xz --robot -lv` lists them: [compressed offset, uncompressed offset, total size, uncompressed size]. */
function xzListsBlocks(file: Buffer): number[][] {
  const path = join(
    tmpdir(),
    `qus-xz-list-${process.pid}-${Math.random().toString(16).slice(2)}.xz`,
  );
  writeFileSync(path, file);
  let listing: string;
  try {
    listing = execFileSync("xz", ["--robot", "-lv", path], { encoding: "utf8" });
  } finally {
    rmSync(path, { force: true });
  }
  return listing
    .split("\n")
    .filter((line) => line.startsWith("block\t"))
    .map((line) => {
      const fields = line.split("\t");
      return [Number(fields[4]), Number(fields[5]), Number(fields[6]), Number(fields[7])];
    });
}

/** Decodes a run stream with xz(1), which also checks the index made for it. */
function decodeRun(file: Buffer, layout: XzLayout, from: number, base = 0): Buffer {
  const run = xzRun(layout, from);
  const input = Buffer.concat([
    run.head,
    file.subarray(run.start - base, run.end - base),
    run.tail,
  ]);
  return execFileSync("xz", ["-dc"], { input, maxBuffer: 256 * 1024 * 1024 });
}

describe("crc32", () => {
  test("matches the standard check value and zlib", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe("readXzLayout", () => {
  const original = text(600 * 1024);
  const file = xz(original, ["-T2", "--block-size=64KiB"]);

  test("lists the blocks xz(1) lists, and the total size", async () => {
    const layout = await readXzLayout(bytesSource(file), 0, file.length);
    expect(
      layout.blocks.map((b) => [
        b.compressedOffset,
        b.uncompressedOffset,
        b.totalSize,
        b.uncompressedSize,
      ]),
    ).toEqual(xzListsBlocks(file));
    expect(layout.blocks.length).toBe(10);
    expect(layout.uncompressedSize).toBe(original.length);
    expect(layout.streamHeader).toEqual(Uint8Array.from(file.subarray(0, 12)));
  });

  test("every run of blocks decodes, with its own index, to the output from its first block on", async () => {
    const layout = await readXzLayout(bytesSource(file), 0, file.length);
    for (let from = 0; from < layout.blocks.length; from++) {
      const start = layout.blocks[from]?.uncompressedOffset as number;
      expect(decodeRun(file, layout, from).equals(original.subarray(start))).toBe(true);
    }
  });

  test("reads a stream in the middle of a bigger file (a .deb member), and tolerates stream padding", async () => {
    const padded = Buffer.concat([
      Buffer.from("some ar header bytes"),
      file,
      Buffer.alloc(8),
      Buffer.from("\n"),
    ]);
    const layout = await readXzLayout(bytesSource(padded), 20, file.length + 8);
    expect(layout.blocks[0]?.compressedOffset).toBe(20 + 12);
    expect(
      decodeRun(padded, layout, 3).equals(original.subarray(layout.blocks[3]?.uncompressedOffset)),
    ).toBe(true);
  });

  test("the real bookworm package: 16 blocks of 24 MiB, 388 MB of tar", async () => {
    const deb = await openFileSource(qemuDeb());
    try {
      const { data } = await readDebLayout(deb);
      const layout = await readXzLayout(deb, data.offset, data.size);
      expect(layout.blocks).toHaveLength(16);
      expect(layout.uncompressedSize).toBe(388321280);
      expect(layout.blocks.slice(0, 15).every((b) => b.uncompressedSize === 24 * 1024 * 1024)).toBe(
        true,
      );
      expect(layout.blocks.at(-1)?.compressedOffset).toBe(data.offset + 60837948);
    } finally {
      await deb.close();
    }
  });

  test("refuses what it cannot use: damage, truncation, several streams, not xz", async () => {
    const refuse = async (bytes: Buffer, pattern: RegExp) => {
      const error = await readXzLayout(bytesSource(bytes), 0, bytes.length).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(XzIndexError);
      expect((error as Error).message).toMatch(pattern);
    };
    const flip = (at: number) => {
      const copy = Buffer.from(file);
      copy[at] = (copy[at] as number) ^ 0x01;
      return copy;
    };
    await refuse(flip(file.length - 12), /footer CRC32/);
    await refuse(flip(file.length - 14), /index CRC32/);
    await refuse(flip(8), /stream header CRC32/);
    await refuse(file.subarray(0, file.length - 4), /no xz stream footer|padding/);
    await refuse(Buffer.concat([file, file]), /several streams/);
    await refuse(Buffer.from("not xz at all, not xz at all"), /no xz stream header/);
  });

  test("check sizes follow the xz format's table", () => {
    expect([0, 1, 4, 10, 13].map(checkSize)).toEqual([0, 4, 8, 32, 64]);
  });

  test("property: for any data, block size and check, xz(1) agrees on the blocks and every run decodes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 300 * 1024 }),
        fc.integer({ min: 4, max: 96 }),
        fc.constantFrom("crc32", "crc64", "sha256", "none"),
        fc.integer({ min: 0, max: 1000 }),
        async (size, blockKiB, check, seed) => {
          const data = text(size, seed);
          const compressed = xz(data, ["-T2", `--block-size=${blockKiB}KiB`, `--check=${check}`]);
          const layout = await readXzLayout(bytesSource(compressed), 0, compressed.length);
          expect(
            layout.blocks.map((b) => [
              b.compressedOffset,
              b.uncompressedOffset,
              b.totalSize,
              b.uncompressedSize,
            ]),
          ).toEqual(xzListsBlocks(compressed));
          const from = seed % layout.blocks.length;
          expect(
            decodeRun(compressed, layout, from).equals(
              data.subarray(layout.blocks[from]?.uncompressedOffset),
            ),
          ).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });
});
