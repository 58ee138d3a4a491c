// Reading the QEMU version of a real emulator file without running it, and of files cut so the
// version text straddles the scan's chunk boundary.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEmulatorVersion } from "../../src/currency/emulator-version.js";
import { emulatorPath, foreignBusybox, requireFixtures } from "../helpers/fixtures.js";

let dir: string;
beforeAll(async () => {
  requireFixtures();
  dir = await mkdtemp(join(tmpdir(), "qus-emulator-version-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("readEmulatorVersion", () => {
  it("reads Debian bookworm's emulators as 7.2.22 with their package version", async () => {
    for (const target of ["aarch64", "x86_64", "mips"]) {
      const found = await readEmulatorVersion(emulatorPath(target));
      expect(found?.program).toBe(`qemu-${target}`);
      expect(found?.upstream.text).toBe("7.2.22");
      expect(found?.packageNote).toBe("Debian 1:7.2+dfsg-7+deb12u18+b3");
    }
  });

  it("finds nothing in a program that is not QEMU", async () => {
    expect(await readEmulatorVersion(foreignBusybox())).toBeUndefined();
  });

  it("reads a version text cut by the chunk boundary, wherever it is cut", async () => {
    const text = "qemu-riscv64 version 10.0.13 (Debian 1:10.0.13+ds-0+deb13u1)";
    for (const cut of [1, 20, 27, text.length - 1, text.length]) {
      const bytes = Buffer.alloc((1 << 20) + 4096, 0x41);
      bytes.write(text, (1 << 20) - cut, "latin1");
      bytes[(1 << 20) - cut + text.length] = 0;
      const file = join(dir, `cut-${cut}`);
      await writeFile(file, bytes);
      expect((await readEmulatorVersion(file))?.upstream.text, `cut ${cut}`).toBe("10.0.13");
    }
  });
});

describe("readEmulatorVersion on what is not a regular file", () => {
  it("answers at once for a named pipe and a directory, without waiting for a writer", async () => {
    const { execFileSync } = await import("node:child_process");
    const fifo = join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    expect(await readEmulatorVersion(fifo)).toBeUndefined();
    expect(await readEmulatorVersion(dir)).toBeUndefined();
  });
});
