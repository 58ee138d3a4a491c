// Reading an ELF header from disk: real emulators, and a path that turns out to be a named pipe
// (swapped in after the caller's stat), which must be refused at once, not wait for a writer.
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SourceError } from "../../src/errors.js";
import { readElfFileHeader } from "../../src/files/elf-file.js";
import { emulatorPath, requireFixtures } from "../helpers/fixtures.js";

let dir: string;
beforeAll(async () => {
  requireFixtures();
  dir = await mkdtemp(join(tmpdir(), "qus-elf-file-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("readElfFileHeader", () => {
  it("reads a real emulator's header, program headers included", async () => {
    const header = await readElfFileHeader(emulatorPath("aarch64"));
    expect(header.class).toBe(64);
    expect(header.hasInterp).toBe(false);
  });

  it("refuses a named pipe without waiting for a writer", async () => {
    const fifo = join(dir, "qemu-fifo");
    execFileSync("mkfifo", [fifo]);
    const refusal = readElfFileHeader(fifo, "Emulator");
    await expect(refusal).rejects.toThrow(SourceError);
    await expect(refusal).rejects.toThrow(`Emulator ${fifo} cannot be read`);
  });
});
