import { execFileSync } from "node:child_process";
import { mkdir, readFile, symlink, writeFile, link } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, test } from "vitest";
import { ChunkReader } from "../../../src/sources/archive/chunk-reader.js";
import {
  isTarHeader,
  readTar,
  TarFormatError,
  type TarEntry,
} from "../../../src/sources/archive/tar.js";
import { tempDirs } from "../temp-dirs.js";

const makeDir = tempDirs();

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect(
  bytes: Uint8Array,
  size = 4096,
): Promise<Array<{ entry: TarEntry; content: Buffer }>> {
  const out = [];
  for await (const { entry, body } of readTar(chunked(bytes, size))) {
    const parts: Uint8Array[] = [];
    for await (const chunk of body) parts.push(chunk);
    out.push({ entry, content: Buffer.concat(parts) });
  }
  return out;
}

let dir: string;
const longName = `${"d".repeat(120)}/${"f".repeat(130)}.bin`;

beforeAll(async () => {
  dir = await makeDir("qus-tar-");
  const tree = join(dir, "tree");
  await mkdir(join(tree, "usr", "bin"), { recursive: true });
  await writeFile(join(tree, "usr", "bin", "qemu-aarch64"), Buffer.alloc(70_000, 0x61));
  await symlink("qemu-aarch64", join(tree, "usr", "bin", "qemu-aarch64-static"));
  await link(join(tree, "usr", "bin", "qemu-aarch64"), join(tree, "usr", "bin", "qemu-hard"));
  await mkdir(join(tree, "d".repeat(120)), { recursive: true });
  await writeFile(join(tree, longName), "long name content");
  for (const format of ["gnu", "pax", "ustar"]) {
    const args = [
      "--sort=name",
      "--owner=0",
      "--group=0",
      `--format=${format}`,
      "-cf",
      join(dir, `${format}.tar`),
      "-C",
      tree,
      ".",
    ];
    if (format === "ustar") args.splice(args.indexOf("."), 1, "./usr");
    execFileSync("tar", args);
  }
});

describe("readTar", () => {
  test.each(["gnu", "pax"])(
    "reads files, links and long names from a GNU tar --format=%s archive",
    async (format) => {
      const entries = await collect(await readFile(join(dir, `${format}.tar`)));
      const byPath = new Map(
        entries.map((e) => [e.entry.path.replace(/^\.\//, "").replace(/\/$/, ""), e]),
      );
      expect(byPath.get("usr/bin/qemu-aarch64")?.entry.type).toBe("file");
      expect(byPath.get("usr/bin/qemu-aarch64")?.content).toEqual(Buffer.alloc(70_000, 0x61));
      expect(byPath.get("usr/bin/qemu-aarch64-static")?.entry).toMatchObject({
        type: "symlink",
        linkTarget: "qemu-aarch64",
      });
      expect(byPath.get("usr/bin/qemu-hard")?.entry.type).toBe("hardlink");
      expect(byPath.get(longName)?.content.toString()).toBe("long name content");
      expect(byPath.get("usr/bin")?.entry.type).toBe("directory");
    },
  );

  test("reads a ustar archive with prefix-split names", async () => {
    const entries = await collect(await readFile(join(dir, "ustar.tar")), 1);
    expect(entries.map((e) => e.entry.path)).toContain("./usr/bin/qemu-aarch64");
  });

  test("skips bodies nobody reads and stops reading when the caller stops", async () => {
    const bytes = await readFile(join(dir, "gnu.tar"));
    const reader = new ChunkReader(chunked(bytes, 512)[Symbol.asyncIterator]());
    let seen = 0;
    for await (const { entry } of readTar(reader)) {
      seen++;
      if (entry.path.endsWith("qemu-aarch64")) break;
    }
    expect(seen).toBeGreaterThan(0);
    expect(reader.consumed).toBeLessThan(bytes.length);
  });

  test("refuses a corrupted header checksum and an archive cut inside an entry", async () => {
    const bytes = Buffer.from(await readFile(join(dir, "gnu.tar")));
    const corrupt = Buffer.from(bytes);
    corrupt[5] = (corrupt[5] as number) ^ 0x01;
    await expect(collect(corrupt)).rejects.toThrow(/checksum mismatch/);
    await expect(collect(bytes.subarray(0, 512 * 3 + 100))).rejects.toThrow(TarFormatError);
  });

  test("never throws anything but TarFormatError on random input (property)", async () => {
    const base = await readFile(join(dir, "ustar.tar"));
    const input = fc
      .tuple(fc.nat(base.length), fc.uint8Array({ maxLength: 1200 }), fc.nat(2048))
      .map(([cut, noise, flip]) => {
        const bytes = Buffer.concat([base.subarray(0, cut), Buffer.from(noise)]);
        if (flip < bytes.length) bytes[flip] = (bytes[flip] as number) ^ 0x5a;
        return bytes;
      });
    await fc.assert(
      fc.asyncProperty(input, async (bytes) => {
        try {
          await collect(bytes, 700);
        } catch (error) {
          expect(error).toBeInstanceOf(TarFormatError);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("isTarHeader", () => {
  test("recognises every header of GNU, pax and ustar archives, and no content", async () => {
    for (const format of ["gnu", "pax", "ustar"]) {
      const bytes = await readFile(join(dir, `${format}.tar`));
      const reader = new ChunkReader(chunked(bytes, 4096)[Symbol.asyncIterator]());
      const entryHeaders: number[] = [];
      for await (const _ of readTar(reader)) entryHeaders.push(reader.consumed - 512);
      const found: number[] = [];
      for (let at = 0; at + 512 <= bytes.length; at += 512)
        if (isTarHeader(bytes.subarray(at, at + 512))) found.push(at);
      // GNU long names and pax records have headers of their own, before their entry's.
      if (format === "ustar") expect(found).toEqual(entryHeaders);
      else expect(found).toEqual(expect.arrayContaining(entryHeaders));
    }
  });

  test("refuses zero blocks, short blocks and a header with a wrong checksum", async () => {
    const bytes = Buffer.from(await readFile(join(dir, "gnu.tar")));
    expect(isTarHeader(bytes.subarray(0, 512))).toBe(true);
    expect(isTarHeader(new Uint8Array(512))).toBe(false);
    expect(isTarHeader(bytes.subarray(0, 511))).toBe(false);
    bytes[0] = (bytes[0] as number) ^ 0x01;
    expect(isTarHeader(bytes.subarray(0, 512))).toBe(false);
  });
});

describe("ChunkReader.unread", () => {
  test("puts bytes back in front: they are read again, and consumed counts them once", async () => {
    const reader = new ChunkReader(chunked(Buffer.from("abcdefghij"), 3)[Symbol.asyncIterator]());
    const first = Buffer.from(await reader.read(4));
    expect(first.toString()).toBe("abcd");
    reader.unread(first);
    expect(reader.consumed).toBe(0);
    expect(Buffer.from(await reader.read(6)).toString()).toBe("abcdef");
    expect(reader.consumed).toBe(6);
  });
});
