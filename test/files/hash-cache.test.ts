import { mkdtemp, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openHashCache } from "../../src/files/hash-cache.js";
import { sha256Bytes } from "../../src/files/hash.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "qus-hash-cache-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("hash cache", () => {
  it("answers from the cache across runs while the file is untouched", async () => {
    const file = join(dir, "emu");
    const store = join(dir, "hashes.json");
    await writeFile(file, "version one");
    const first = await openHashCache(store);
    expect(await first.hash(file)).toEqual(await sha256Bytes("version one"));
    await first.save();
    // Prove the second run does not read the file: its cached digest is served even though
    // we planted a different one in the store for the same identity.
    const saved = JSON.parse(await readFile(store, "utf8"));
    saved.files[file].sha256 = "ab".repeat(32);
    await writeFile(store, JSON.stringify(saved));
    expect((await (await openHashCache(store)).hash(file))?.sha256).toBe("ab".repeat(32));
  });

  it("rehashes after an in-place write, even when the attacker restores size and mtime", async () => {
    const file = join(dir, "emu");
    await writeFile(file, "aaaa");
    const cache = await openHashCache(join(dir, "hashes.json"));
    await cache.hash(file);
    const { atime, mtime } = await stat(file);
    await new Promise((r) => setTimeout(r, 20));
    await writeFile(file, "bbbb");
    await utimes(file, atime, mtime);
    expect(await cache.hash(file)).toEqual(await sha256Bytes("bbbb"));
  });

  it("rehashes a file replaced by rename, and reports a removed file as missing", async () => {
    const file = join(dir, "emu");
    await writeFile(file, "old");
    const cache = await openHashCache(null);
    await cache.hash(file);
    await writeFile(`${file}.new`, "new");
    await rename(`${file}.new`, file);
    expect(await cache.hash(file)).toEqual(await sha256Bytes("new"));
    await rm(file);
    expect(await cache.hash(file)).toBeNull();
  });

  it("treats a corrupt store as empty", async () => {
    const store = join(dir, "hashes.json");
    await writeFile(store, "{ not json");
    const file = join(dir, "emu");
    await writeFile(file, "x");
    expect(await (await openHashCache(store)).hash(file)).toEqual(await sha256Bytes("x"));
  });
});
