// The version cache: a real emulator is scanned once; the answer is kept by content (SHA-256)
// across runs, and a file that cannot be read is not remembered.
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openVersionCache } from "../../src/currency/version-cache.js";
import { sha256File } from "../../src/files/hash.js";
import { emulatorPath, requireFixtures } from "../helpers/fixtures.js";

let dir: string;
beforeAll(async () => {
  requireFixtures();
  dir = await mkdtemp(join(tmpdir(), "qus-version-cache-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("openVersionCache", () => {
  it("remembers a version by content across runs, without reading the file again", async () => {
    const file = join(dir, "versions.json");
    const emulator = join(dir, "qemu-arm");
    await copyFile(emulatorPath("arm"), emulator);
    const { sha256 } = await sha256File(emulator);
    const first = await openVersionCache(file);
    expect(await first.versionOf(emulator, sha256)).toBe("7.2.22");
    await first.save();
    expect(JSON.parse(await readFile(file, "utf8")).emulators[sha256]).toBe("7.2.22");
    await rm(emulator);
    const second = await openVersionCache(file);
    expect(await second.versionOf(emulator, sha256)).toBe("7.2.22");
  });

  it("does not remember a file it could not read, and ignores a corrupt cache", async () => {
    const file = join(dir, "corrupt.json");
    await writeFile(
      file,
      JSON.stringify({ version: 1, emulators: { zz: "7.2.22", ["a".repeat(64)]: "$(x)" } }),
    );
    const cache = await openVersionCache(file);
    const missing = join(dir, "gone");
    expect(await cache.versionOf(missing, "a".repeat(64))).toBeNull();
    await copyFile(emulatorPath("arm"), missing);
    expect(await cache.versionOf(missing, "a".repeat(64))).toBe("7.2.22");
  });
});
