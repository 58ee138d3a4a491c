// qus must refuse, before installing or registering it, an emulator that cannot work here, and
// say what is wrong with which file. Real emulators, a real foreign binary, real files on disk.
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { machine, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normaliseMachine } from "../../src/catalog/host.js";
import { SourceError } from "../../src/errors.js";
import { checkEmulatorFile } from "../../src/files/check-emulator.js";
import { emulatorPath, foreignBusybox, requireFixtures } from "../helpers/fixtures.js";

/** A host as checkEmulatorFile sees it; an unknown machine stands for itself. */
const hostOf = (name: string) => ({ machine: name, target: normaliseMachine(name) ?? name });
const thisHost = hostOf(machine());
const STATIC = { requireStatic: true };

let dir: string;
beforeAll(async () => {
  requireFixtures();
  dir = await mkdtemp(join(tmpdir(), "qus-check-emulator-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// The SourceError a check throws (the test fails if it resolves or throws anything else).
async function refusal(
  path: string,
  host: { machine: string; target: string },
  options = STATIC,
): Promise<SourceError> {
  const error: unknown = await checkEmulatorFile(path, host, options).then(
    () => new Error(`checkEmulatorFile accepted ${path}`),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(SourceError);
  return error as SourceError;
}

describe("checkEmulatorFile accepts", () => {
  it("the real static emulators built for this host", async () => {
    for (const target of ["aarch64", "arm", "riscv64", "s390x", "ppc64le"]) {
      await expect(
        checkEmulatorFile(emulatorPath(target), thisHost, STATIC),
      ).resolves.toBeUndefined();
    }
  });

  it("a symlink to a good emulator (sources may hand over links)", async () => {
    const link = join(dir, "link-to-qemu-aarch64");
    await symlink(emulatorPath("aarch64"), link);
    await expect(checkEmulatorFile(link, thisHost, STATIC)).resolves.toBeUndefined();
  });

  it("a program for the host CPU given by its uname -m or Debian name (the aarch64 busybox on arm64)", async () => {
    await expect(
      checkEmulatorFile(foreignBusybox(), hostOf("aarch64"), STATIC),
    ).resolves.toBeUndefined();
    await expect(
      checkEmulatorFile(foreignBusybox(), hostOf("arm64"), STATIC),
    ).resolves.toBeUndefined();
  });

  it("a dynamic program when static is not required", async () => {
    await expect(
      checkEmulatorFile("/bin/ls", thisHost, { requireStatic: false }),
    ).resolves.toBeUndefined();
  });
});

describe("checkEmulatorFile refuses", () => {
  it("a missing file", async () => {
    const path = join(dir, "qemu-missing-static");
    expect((await refusal(path, thisHost)).message).toBe(`Emulator ${path} does not exist`);
  });

  it("a directory", async () => {
    const path = join(dir, "a-directory");
    await mkdir(path);
    expect((await refusal(path, thisHost)).message).toBe(
      `Emulator ${path} is a directory, not a regular file`,
    );
  });

  it("a file without any execute bit, with a chmod hint", async () => {
    const path = join(dir, "qemu-aarch64-noexec");
    await copyFile(emulatorPath("aarch64"), path);
    await chmod(path, 0o644);
    const error = await refusal(path, thisHost);
    expect(error.message).toBe(`Emulator ${path} is not executable (mode 0644)`);
    expect(error.hint).toContain("chmod");
  });

  it("an executable that is not ELF", async () => {
    const path = join(dir, "script");
    await writeFile(path, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    expect((await refusal(path, thisHost)).message).toBe(
      `Emulator ${path} is not a usable ELF executable: not an ELF file (no \\x7fELF signature)`,
    );
  });

  it("an emulator cut short inside its program headers", async () => {
    const path = join(dir, "qemu-truncated");
    await writeFile(path, readFileSync(emulatorPath("aarch64")).subarray(0, 200), { mode: 0o755 });
    expect((await refusal(path, thisHost)).message).toMatch(
      new RegExp(
        `^Emulator ${path} is not a usable ELF executable: truncated ELF program headers \\(200 of \\d+ bytes\\)$`,
      ),
    );
  });

  it("a program for another CPU, naming both CPUs and the path", async () => {
    const error = await refusal(foreignBusybox(), hostOf("x86_64"));
    expect(error.message).toBe(
      `Emulator ${foreignBusybox()} is built for AArch64 (183), 64-bit little-endian, but this host runs x86-64 (62), 64-bit little-endian programs`,
    );
    expect(error.hint).toContain("x86_64");
  });

  it("a 64-bit program on a host named by its 32-bit CPU", async () => {
    const error = await refusal(emulatorPath("aarch64"), hostOf("i686"));
    expect(error.message).toMatch(/but this host runs i386 \(3\), 32-bit little-endian programs$/);
  });

  it("a dynamically linked program when static is required", async () => {
    const error = await refusal("/bin/ls", thisHost);
    expect(error.message).toMatch(
      /^Emulator \/bin\/ls is dynamically linked \(it has a PT_INTERP loader\)/,
    );
  });

  it("a dynamic program on a host CPU the catalog does not know (only the CPU check is skipped)", async () => {
    await expect(
      checkEmulatorFile(foreignBusybox(), hostOf("ia64"), STATIC),
    ).resolves.toBeUndefined();
    expect((await refusal("/bin/ls", hostOf("ia64"))).message).toMatch(/dynamically linked/);
  });
});
