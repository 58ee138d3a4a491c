// The SHA-256 of a file is how qus knows whether an installed emulator is the wanted one: it
// must equal the digest of the whole content, computed independently here.
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Bytes, sha256File, sha256FileIfExists } from "../../src/files/hash.js";
import { emulatorPath, requireFixtures } from "../helpers/fixtures.js";

let dir: string;
beforeAll(async () => {
  requireFixtures();
  dir = await mkdtemp(join(tmpdir(), "qus-hash-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("sha256File", () => {
  it("hashes a real multi-megabyte emulator like a one-shot digest of its bytes", async () => {
    const path = emulatorPath("aarch64");
    const whole = readFileSync(path);
    expect(await sha256File(path)).toEqual({
      sha256: createHash("sha256").update(whole).digest("hex"),
      size: statSync(path).size,
    });
  });

  it("hashes an empty file to the SHA-256 of no bytes", async () => {
    const path = join(dir, "empty");
    await writeFile(path, "");
    expect(await sha256File(path)).toEqual({
      sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      size: 0,
    });
  });

  it("hashes files at once and one after another, each its own (no read buffer is shared)", async () => {
    const paths = await Promise.all(
      [1, 2, 3].map(async (n) => {
        const path = join(dir, `multi-${n}`);
        await writeFile(path, Buffer.alloc(2_500_000 + n, n));
        return path;
      }),
    );
    const expected = paths.map((path) =>
      createHash("sha256").update(readFileSync(path)).digest("hex"),
    );
    const together = await Promise.all(paths.map((path) => sha256File(path)));
    expect(together.map((digest) => digest.sha256)).toEqual(expected);
    const inTurn = [];
    for (const path of paths) inTurn.push((await sha256File(path)).sha256);
    expect(inTurn).toEqual(expected);
  });

  it("rejects with the fs error code for a missing file", async () => {
    await expect(sha256File(join(dir, "missing"))).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("sha256FileIfExists", () => {
  it("is null for a missing file, the digest otherwise", async () => {
    const path = join(dir, "present");
    await writeFile(path, "qus\n");
    expect(await sha256FileIfExists(join(dir, "missing"))).toBeNull();
    expect(await sha256FileIfExists(path)).toEqual(await sha256Bytes("qus\n"));
  });

  it("still rejects errors other than a missing file", async () => {
    await expect(sha256FileIfExists(dir)).rejects.toMatchObject({ code: "EISDIR" });
  });
});

describe("sha256Bytes", () => {
  it("hashes text as UTF-8 and counts bytes, not characters", async () => {
    const text = "émulateur\n";
    expect(await sha256Bytes(text)).toEqual({
      sha256: createHash("sha256").update(Buffer.from(text, "utf8")).digest("hex"),
      size: Buffer.byteLength(text, "utf8"),
    });
    expect((await sha256Bytes(text)).size).toBe(text.length + 1);
  });
});
