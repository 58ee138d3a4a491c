import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeEach, describe, expect, test } from "vitest";
import { SourceError } from "../../src/errors.js";
import {
  readLockFile,
  serializeLock,
  writeLockFile,
  type SourceLock,
} from "../../src/sources/lock.js";
import { tempDirs } from "./temp-dirs.js";

const makeDir = tempDirs();

const A = "a".repeat(64);
const B = "b".repeat(64);
const C = "c".repeat(64);

const LOCK: SourceLock = {
  lockfileVersion: 1,
  source: { suite: "bookworm", type: "debian", security: true },
  packages: [
    {
      package: "qemu-user-static",
      version: "1:7.2+dfsg-7+deb12u18+b3",
      architecture: "amd64",
      filename: "pool/main/q/qemu/qemu-user-static_7.2+dfsg-7+deb12u18+b3_amd64.deb",
      size: 62603724,
      sha256: A,
    },
  ],
  emulators: {
    "qemu-riscv64": { sha256: C, size: 11308880, package: "qemu-user-static" },
    "qemu-aarch64": { sha256: B, size: 12918384, package: "qemu-user-static" },
  },
};

let dir: string;
beforeEach(async () => {
  dir = await makeDir("qus-lock-");
});

describe("lock file", () => {
  test("serialises with a stable key order, sorted emulators and one field per line", () => {
    const text = serializeLock(LOCK);
    expect(text).toBe(`{
  "lockfileVersion": 1,
  "source": {
    "type": "debian",
    "security": true,
    "suite": "bookworm"
  },
  "packages": [
    {
      "package": "qemu-user-static",
      "version": "1:7.2+dfsg-7+deb12u18+b3",
      "architecture": "amd64",
      "filename": "pool/main/q/qemu/qemu-user-static_7.2+dfsg-7+deb12u18+b3_amd64.deb",
      "size": 62603724,
      "sha256": "${A}"
    }
  ],
  "emulators": {
    "qemu-aarch64": {
      "sha256": "${B}",
      "size": 12918384,
      "package": "qemu-user-static"
    },
    "qemu-riscv64": {
      "sha256": "${C}",
      "size": 11308880,
      "package": "qemu-user-static"
    }
  }
}
`);
  });

  test("round-trips through write and read, and a missing file reads as null", async () => {
    const path = join(dir, "qus.lock.json");
    expect(await readLockFile(path)).toBeNull();
    expect(await writeLockFile(path, LOCK)).toBe(true);
    const read = await readLockFile(path);
    expect(read).toEqual({
      ...LOCK,
      source: { type: "debian", security: true, suite: "bookworm" },
    });
    expect(serializeLock(read as SourceLock)).toBe(await readFile(path, "utf8"));
  });

  test("does not rewrite an unchanged lock", async () => {
    const path = join(dir, "qus.lock.json");
    await writeLockFile(path, LOCK);
    const before = (await stat(path)).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    expect(await writeLockFile(path, { ...LOCK, emulators: { ...LOCK.emulators } })).toBe(false);
    expect((await stat(path)).mtimeMs).toBe(before);
  });

  test.each([
    ["not JSON", "{", /not JSON/],
    [
      "another version",
      JSON.stringify({ ...JSON.parse(serializeLock(LOCK)), lockfileVersion: 2 }),
      /lockfileVersion is 2/,
    ],
    [
      "a bad hash",
      serializeLock(LOCK).replace(B, "B".repeat(64)),
      /emulators.qemu-aarch64.sha256 must be a lowercase hex SHA-256/,
    ],
    [
      "a negative size",
      serializeLock(LOCK).replace("62603724", "-1"),
      /packages\[0\].size must be a byte count/,
    ],
    [
      "an unknown package",
      serializeLock(LOCK).replace(
        '"package": "qemu-user-static"\n    }',
        '"package": "qemu-user"\n    }',
      ),
      /is not in packages/,
    ],
    [
      "a prototype key",
      serializeLock(LOCK).replace('"qemu-aarch64"', '"__proto__"'),
      /is not an emulator name/,
    ],
  ])("a lock with %s is a SourceError naming the file and the field", async (_, text, message) => {
    const path = join(dir, "qus.lock.json");
    await writeFile(path, text);
    const error = await readLockFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(message);
    expect((error as SourceError).hint).toMatch(/--upgrade/);
  });
});
