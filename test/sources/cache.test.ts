import { createHash } from "node:crypto";
import { readdir, readFile, stat, writeFile, chmod } from "node:fs/promises";
import { join } from "node:path";
import { beforeEach, describe, expect, test } from "vitest";
import { SourceError } from "../../src/errors.js";
import { BlobCache, defaultCacheDir } from "../../src/sources/cache.js";
import { tempDirs } from "./temp-dirs.js";

const makeDir = tempDirs();

const sha = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");

let cacheDir: string;
let cache: BlobCache;
beforeEach(async () => {
  cacheDir = await makeDir("qus-cache-");
  cache = new BlobCache(cacheDir);
});

async function store(
  data: string,
  options: Parameters<Awaited<ReturnType<BlobCache["createWriter"]>>["commit"]>[0] = {},
) {
  const writer = await cache.createWriter();
  await writer.write(Buffer.from(data.slice(0, 3)));
  await writer.write(Buffer.from(data.slice(3)));
  return writer.commit(options);
}

describe("BlobCache", () => {
  test("stores a blob under <cacheDir>/sha256/<hex> and finds it again", async () => {
    const blob = await store("hello emulator");
    expect(blob).toEqual({
      path: join(cacheDir, "sha256", sha("hello emulator")),
      sha256: sha("hello emulator"),
      size: 14,
    });
    expect(await readFile(blob.path, "utf8")).toBe("hello emulator");
    expect(await cache.get(blob.sha256)).toBe(blob.path);
    expect(await cache.get(blob.sha256, 14)).toBe(blob.path);
    expect(await readdir(join(cacheDir, "sha256"))).toEqual([blob.sha256]);
  });

  test("refuses content that does not match the expected digest and leaves nothing behind", async () => {
    await expect(
      store("tampered", {
        expected: { sha256: sha("original"), size: 8 },
        origin: "GET http://x/y.deb",
      }),
    ).rejects.toThrow(
      `GET http://x/y.deb: SHA-256 mismatch: expected ${sha("original")}, got ${sha("tampered")}`,
    );
    await expect(store("short", { expected: { sha256: sha("short"), size: 6 } })).rejects.toThrow(
      /expected 6 bytes, got 5/,
    );
    expect(await readdir(join(cacheDir, "sha256"))).toEqual([]);
  });

  test("runs the check on the complete temp file and discards the blob when it throws", async () => {
    let seen = "";
    await expect(
      store("not an ELF", {
        check: async (temp) => {
          seen = await readFile(temp, "utf8");
          throw new SourceError("not an emulator");
        },
      }),
    ).rejects.toThrow("not an emulator");
    expect(seen).toBe("not an ELF");
    expect(await readdir(join(cacheDir, "sha256"))).toEqual([]);
  });

  test("gives the blob the requested mode (emulators are executable)", async () => {
    const blob = await store("#!/bin/true", { mode: 0o755 });
    expect((await stat(blob.path)).mode & 0o777).toBe(0o755);
    const plain = await store("data");
    expect((await stat(plain.path)).mode & 0o777).toBe(0o644);
  });

  test("discards a blob whose content no longer matches its name", async () => {
    const blob = await store("good bytes");
    await chmod(blob.path, 0o644);
    await writeFile(blob.path, "bad bytes!");
    expect(await cache.get(blob.sha256)).toBeNull();
    expect(await readdir(join(cacheDir, "sha256"))).toEqual([]);
  });

  test("treats a blob of the wrong size as missing without hashing it", async () => {
    const blob = await store("twelve bytes");
    expect(await cache.get(blob.sha256, 13)).toBeNull();
    expect(await cache.get(blob.sha256)).toBeNull();
  });

  test("returns null for a blob that was never stored", async () => {
    expect(await cache.get(sha("absent"))).toBeNull();
  });

  test("concurrent writers of the same content end with one intact blob", async () => {
    const content = "x".repeat(100_000);
    const blobs = await Promise.all(Array.from({ length: 8 }, () => store(content)));
    expect(new Set(blobs.map((b) => b.path)).size).toBe(1);
    expect(await readdir(join(cacheDir, "sha256"))).toEqual([sha(content)]);
    expect(await cache.get(sha(content), content.length)).not.toBeNull();
  });

  test("many small writes make one blob, and a caller may reuse its buffer as soon as write returns", async () => {
    const writer = await cache.createWriter();
    const reused = Buffer.alloc(1000);
    const expected = createHash("sha256");
    for (let i = 0; i < 3000; i++) {
      reused.fill(i % 251);
      expected.update(reused);
      await writer.write(reused);
    }
    const blob = await writer.commit();
    expect(blob.size).toBe(3_000_000);
    expect(blob.sha256).toBe(expected.digest("hex"));
    expect(
      createHash("sha256")
        .update(await readFile(blob.path))
        .digest("hex"),
    ).toBe(blob.sha256);
  });

  test("abort removes the temp file", async () => {
    const writer = await cache.createWriter();
    await writer.write(Buffer.from("partial"));
    await writer.abort();
    expect(await readdir(join(cacheDir, "sha256"))).toEqual([]);
  });

  test("a blob written back to disk while it is written (several 8 MiB writebacks) commits whole", async () => {
    const writer = await cache.createWriter();
    const chunk = Buffer.alloc(1 << 20);
    const expected = createHash("sha256");
    for (let i = 0; i < 30; i++) {
      chunk.fill(i);
      expected.update(chunk);
      await writer.write(chunk);
    }
    const blob = await writer.commit();
    expect(blob.size).toBe(30 << 20);
    expect(blob.sha256).toBe(expected.digest("hex"));
    expect(sha(await readFile(blob.path))).toBe(blob.sha256);
    expect(await readdir(join(cacheDir, "sha256"))).toEqual([blob.sha256]);
  });

  test("abort while a writeback is in flight removes the temp file", async () => {
    const writer = await cache.createWriter();
    const chunk = Buffer.alloc(1 << 20, 7);
    for (let i = 0; i < 9; i++) await writer.write(chunk);
    await writer.abort();
    expect(await readdir(join(cacheDir, "sha256"))).toEqual([]);
  });

  test("rejects a malformed hash instead of building a path from it", () => {
    expect(() => cache.pathFor("../../etc/passwd")).toThrow(SourceError);
  });
});

describe("defaultCacheDir", () => {
  test("is /var/cache/qus for root, else the XDG cache directory, else ~/.cache", () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/x/cache" }, true, "/root")).toBe("/var/cache/qus");
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/x/cache" }, false, "/home/u")).toBe("/x/cache/qus");
    expect(defaultCacheDir({}, false, "/home/u")).toBe("/home/u/.cache/qus");
    // The XDG spec says relative paths are invalid and must be ignored.
    expect(defaultCacheDir({ XDG_CACHE_HOME: "relative" }, false, "/home/u")).toBe(
      "/home/u/.cache/qus",
    );
  });
});
