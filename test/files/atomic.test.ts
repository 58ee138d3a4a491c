// Installing an emulator must be all-or-nothing: the right bytes and mode, the old file intact
// when verification fails, no temp files left behind, and a symlink at the destination replaced
// rather than followed. Real files in a temp directory, real emulators as content.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import {
  link,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { QusError, SourceError } from "../../src/errors.js";
import {
  FileWriteError,
  installFileAtomic,
  removeFile,
  tempPathFor,
  writeFileAtomic,
} from "../../src/files/atomic.js";
import { emulatorPath, requireFixtures } from "../helpers/fixtures.js";

let root: string;
let dir: string;
let caseNumber = 0;

beforeAll(async () => {
  requireFixtures();
  root = await mkdtemp(join(tmpdir(), "qus-atomic-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
beforeEach(async () => {
  dir = join(root, `case-${++caseNumber}`);
  await mkdir(dir);
});

function sha256Of(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

async function leftoverTemps(directory: string): Promise<string[]> {
  return (await readdir(directory)).filter((name) => name.startsWith(".qus-tmp-"));
}

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o7777;

describe("tempPathFor", () => {
  it("names a hidden temp file in the destination's own directory, different each time", async () => {
    const first = await tempPathFor("/usr/local/lib/qus/qemu-aarch64");
    expect(first).toMatch(/^\/usr\/local\/lib\/qus\/\.qus-tmp-qemu-aarch64-[0-9a-f]{12}$/);
    expect(await tempPathFor("/usr/local/lib/qus/qemu-aarch64")).not.toBe(first);
  });
});

describe("installFileAtomic", () => {
  it("installs the exact content with the mode asked for and returns its digest", async () => {
    const from = emulatorPath("aarch64");
    const to = join(dir, "qemu-aarch64");
    const digest = await installFileAtomic({ from, to, mode: 0o755 });
    expect(digest).toEqual({ sha256: sha256Of(from), size: (await stat(from)).size });
    expect(sha256Of(to)).toBe(digest.sha256);
    expect(await modeOf(to)).toBe(0o755);
    expect(await leftoverTemps(dir)).toEqual([]);
  });

  it("sets a mode exactly, whatever the source's mode", async () => {
    const to = join(dir, "qemu-arm");
    await installFileAtomic({ from: emulatorPath("arm"), to, mode: 0o750 });
    expect(await modeOf(to)).toBe(0o750);
  });

  it("creates missing directories", async () => {
    const to = join(dir, "lib", "qus", "qemu-riscv64");
    await installFileAtomic({ from: emulatorPath("riscv64"), to, mode: 0o755 });
    expect((await stat(join(dir, "lib", "qus"))).isDirectory()).toBe(true);
    expect(sha256Of(to)).toBe(sha256Of(emulatorPath("riscv64")));
  });

  it("accepts the expected SHA-256 in any letter case", async () => {
    const from = emulatorPath("aarch64");
    const to = join(dir, "qemu-aarch64");
    await installFileAtomic({
      from,
      to,
      mode: 0o755,
      expectedSha256: sha256Of(from).toUpperCase(),
    });
    expect(sha256Of(to)).toBe(sha256Of(from));
  });

  it("leaves the old file and no temp file when the content does not match the expected SHA-256", async () => {
    const to = join(dir, "qemu-aarch64");
    await writeFile(to, "old emulator", { mode: 0o755 });
    const wrong = "0".repeat(64);
    const install = installFileAtomic({
      from: emulatorPath("aarch64"),
      to,
      mode: 0o755,
      expectedSha256: wrong,
    });
    await expect(install).rejects.toBeInstanceOf(SourceError);
    await expect(install).rejects.toThrow(`expected ${wrong}; ${to} was left unchanged`);
    expect(await readFile(to, "utf8")).toBe("old emulator");
    expect(await leftoverTemps(dir)).toEqual([]);
  });

  it("creates nothing when the content does not match and there was no file", async () => {
    const to = join(dir, "qemu-arm");
    await expect(
      installFileAtomic({
        from: emulatorPath("arm"),
        to,
        mode: 0o755,
        expectedSha256: "f".repeat(64),
      }),
    ).rejects.toThrow(SourceError);
    expect(await readdir(dir)).toEqual([]);
  });

  it("replaces an existing file by a new inode: a hard link to the old one keeps the old bytes", async () => {
    const to = join(dir, "qemu-aarch64");
    const keptOld = join(dir, "old-link");
    await writeFile(to, "old emulator", { mode: 0o755 });
    await link(to, keptOld);
    await installFileAtomic({ from: emulatorPath("aarch64"), to, mode: 0o755 });
    expect(sha256Of(to)).toBe(sha256Of(emulatorPath("aarch64")));
    expect(await readFile(keptOld, "utf8")).toBe("old emulator");
  });

  it("replaces a symlink at the destination with the file, leaving the link's target alone", async () => {
    const target = join(dir, "someone-elses-file");
    const to = join(dir, "qemu-aarch64");
    await writeFile(target, "not qus's", { mode: 0o644 });
    await symlink(target, to);
    await installFileAtomic({ from: emulatorPath("aarch64"), to, mode: 0o755 });
    expect((await lstat(to)).isFile()).toBe(true);
    expect(sha256Of(to)).toBe(sha256Of(emulatorPath("aarch64")));
    expect(await readFile(target, "utf8")).toBe("not qus's");
  });

  it("replaces a dangling symlink too", async () => {
    const to = join(dir, "qemu-arm");
    await symlink(join(dir, "nowhere"), to);
    expect(await readlink(to)).toBe(join(dir, "nowhere"));
    await installFileAtomic({ from: emulatorPath("arm"), to, mode: 0o755 });
    expect((await lstat(to)).isFile()).toBe(true);
    expect(existsSync(join(dir, "nowhere"))).toBe(false);
  });

  it("ends with one complete file when two installs race for the same destination", async () => {
    const to = join(dir, "qemu-x");
    const sources = [emulatorPath("aarch64"), emulatorPath("arm")];
    await Promise.all(sources.map((from) => installFileAtomic({ from, to, mode: 0o755 })));
    expect(sources.map(sha256Of)).toContain(sha256Of(to));
    expect(await leftoverTemps(dir)).toEqual([]);
  });

  it("reports an unreadable source as a SourceError naming it, and writes nothing", async () => {
    const from = join(dir, "missing-source");
    const to = join(dir, "qemu-arm");
    await expect(installFileAtomic({ from, to, mode: 0o755 })).rejects.toThrow(
      new SourceError(`Cannot read ${from} to install it as ${to} (ENOENT)`),
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it("reports a destination it cannot replace (a directory) as a FileWriteError naming it", async () => {
    const to = join(dir, "occupied");
    await mkdir(to);
    const install = installFileAtomic({ from: emulatorPath("arm"), to, mode: 0o755 });
    await expect(install).rejects.toBeInstanceOf(FileWriteError);
    await expect(install).rejects.toBeInstanceOf(QusError);
    await expect(install).rejects.toThrow(`Cannot write ${to} (EISDIR)`);
    expect(await leftoverTemps(dir)).toEqual([]);
  });

  it("reports a destination whose parent is a file as a FileWriteError", async () => {
    await writeFile(join(dir, "file"), "");
    const to = join(dir, "file", "qemu-arm");
    await expect(installFileAtomic({ from: emulatorPath("arm"), to, mode: 0o755 })).rejects.toThrow(
      FileWriteError,
    );
  });
});

describe("writeFileAtomic", () => {
  it("writes text as UTF-8 with mode 0644 by default", async () => {
    const path = join(dir, "state.json");
    await writeFileAtomic(path, '{"version":1,"note":"é"}\n');
    expect(await readFile(path, "utf8")).toBe('{"version":1,"note":"é"}\n');
    expect(await modeOf(path)).toBe(0o644);
    expect(await leftoverTemps(dir)).toEqual([]);
  });

  it("writes bytes with the mode given, creating the directory", async () => {
    const path = join(dir, "var", "lib", "qus", "lock");
    await writeFileAtomic(path, new Uint8Array([0, 1, 2, 255]), 0o600);
    expect([...(await readFile(path))]).toEqual([0, 1, 2, 255]);
    expect(await modeOf(path)).toBe(0o600);
  });

  it("replaces existing content completely, including a longer old file", async () => {
    const path = join(dir, "qemu-aarch64.conf");
    await writeFile(path, "a much longer previous content\n");
    await writeFileAtomic(path, "short\n");
    expect(await readFile(path, "utf8")).toBe("short\n");
  });

  it("fails with a FileWriteError and no temp file when the path is a directory", async () => {
    const path = join(dir, "state.json");
    await mkdir(path);
    await expect(writeFileAtomic(path, "{}")).rejects.toThrow(FileWriteError);
    expect(await leftoverTemps(dir)).toEqual([]);
  });
});

describe("removeFile", () => {
  it("removes a file and says it did; a missing file is not an error", async () => {
    const path = join(dir, "qemu-arm");
    await writeFile(path, "x");
    expect(await removeFile(path)).toBe(true);
    expect(existsSync(path)).toBe(false);
    expect(await removeFile(path)).toBe(false);
  });

  it("removes a symlink, not its target", async () => {
    const target = join(dir, "target");
    const path = join(dir, "link");
    await writeFile(target, "kept");
    await symlink(target, path);
    expect(await removeFile(path)).toBe(true);
    expect(await readFile(target, "utf8")).toBe("kept");
  });

  it("refuses to remove a directory", async () => {
    const path = join(dir, "sub");
    await mkdir(path);
    await expect(removeFile(path)).rejects.toThrow(FileWriteError);
    expect(existsSync(path)).toBe(true);
  });
});
