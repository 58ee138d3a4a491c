// qus's microblaze entries route what binutils emits today (EM_MICROBLAZE = 189), in both byte
// orders and for ET_EXEC and ET_DYN, through the real kernel in a private binfmt_misc: each entry
// is registered with a harmless interpreter (a shell script printing a marker) and a generated
// ELF header is executed. QEMU's own big-endian entry is shown not to route the same file.
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findTarget } from "../../src/catalog/targets.js";
import { registerEntry, removeEntry } from "../../src/kernel/binfmt.js";
import { encodeRegisterLine } from "../../src/kernel/register-line.js";
import { buildElf } from "../../src/verify/elf-image.js";
import { startSandbox, type Sandbox } from "../helpers/sandbox.js";

const EM_MICROBLAZE = 189;
const ET_DYN = 3;

let sandbox: Sandbox;
let scratch: string;
let interpreter: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  scratch = await mkdtemp(join(tmpdir(), "qus-microblaze-"));
  interpreter = join(scratch, "marker.sh");
  await writeFile(interpreter, '#!/bin/sh\necho "routed $1"\n');
  await chmod(interpreter, 0o755);
});

afterAll(async () => {
  await sandbox?.stop();
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
});

/** A microblaze ELF as binutils lays it out: header, one PT_LOAD; e_type patched to ET_DYN on request. */
async function microblazeFile(
  name: string,
  endian: "little" | "big",
  dyn: boolean,
): Promise<string> {
  const image = buildElf(
    { bits: 32, endian, machine: EM_MICROBLAZE, flags: 0 },
    new Uint8Array(4),
    () => new Uint8Array(4),
  );
  const bytes = Buffer.from(image);
  if (dyn) endian === "big" ? bytes.writeUInt16BE(ET_DYN, 16) : bytes.writeUInt16LE(ET_DYN, 16);
  const path = join(scratch, name);
  await writeFile(path, bytes);
  await chmod(path, 0o755);
  return path;
}

async function register(name: string, magic: string, mask: string): Promise<void> {
  await registerEntry(
    sandbox.binfmtDir,
    encodeRegisterLine({ name, offset: 0, magic, mask, interpreter, flags: "" }),
  );
}

describe("microblaze entries through the kernel", () => {
  it.each([
    ["microblaze", "big"],
    ["microblazeel", "little"],
  ] as const)(
    "%s routes EM_MICROBLAZE executables (ET_EXEC and ET_DYN) of its byte order",
    async (target, endian) => {
      const info = findTarget(target)!;
      const name = `qus-test-${target}`;
      await register(name, info.magic, info.mask);
      try {
        for (const dyn of [false, true]) {
          const file = await microblazeFile(`${target}-${dyn ? "dyn" : "exec"}`, endian, dyn);
          const run = await sandbox.run(file, [], { cwd: scratch });
          expect(run).toMatchObject({ code: 0, stdout: `routed ${file}\n` });
        }
        const other = await microblazeFile(
          `${target}-other-order`,
          endian === "big" ? "little" : "big",
          false,
        );
        expect(
          (
            await sandbox.run("sh", ["-c", `${other} 2>/dev/null; echo "exit $?"`], {
              cwd: scratch,
            })
          ).stdout,
        ).not.toContain("routed");
      } finally {
        await removeEntry(sandbox.binfmtDir, name);
      }
    },
  );

  it("QEMU's big-endian entry (e_machine 0xbaab, e_type spelled little-endian) routes none of them", async () => {
    const name = "qus-test-qemu-microblaze";
    await register(
      name,
      "7f454c460102010000000000000000000200baab",
      "ffffffffffffff00fffffffffffffffffeffffff",
    );
    try {
      const file = await microblazeFile("qemu-entry-exec", "big", false);
      const run = await sandbox.run("sh", ["-c", `${file} 2>/dev/null; echo "exit $?"`], {
        cwd: scratch,
      });
      expect(run.stdout).not.toContain("routed");
    } finally {
      await removeEntry(sandbox.binfmtDir, name);
    }
  });
});
