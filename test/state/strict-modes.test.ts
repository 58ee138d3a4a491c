// StrictModes for root: paths that decide what root installs must not be changeable by others.
// Real files and modes; the owner check uses this process's uid as the trusted one.
import { chmod, mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { refuseUnsafePath } from "../../src/state/strict-modes.js";
import { QusError } from "../../src/errors.js";

let dir: string;
const me = [process.getuid!()];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "qus-strict-"));
  await chmod(dir, 0o755);
});
const check = (path: string, trusted = me) =>
  refuseUnsafePath({ path, what: "installDir" }, trusted);

describe("refuseUnsafePath", () => {
  it("with directories already verified in this run, still checks each file itself", async () => {
    await writeFile(join(dir, "qemu-aarch64"), "");
    await writeFile(join(dir, "qemu-arm"), "");
    await chmod(join(dir, "qemu-arm"), 0o666);
    const verified = new Set<string>();
    const emulator = (name: string) =>
      refuseUnsafePath({ path: join(dir, name), what: "local source emulator" }, me, verified);
    await expect(emulator("qemu-aarch64")).resolves.toBeUndefined();
    expect(verified.has(dir)).toBe(true);
    expect(verified.has(join(dir, "qemu-aarch64"))).toBe(false);
    await expect(emulator("qemu-arm")).rejects.toThrow(/qemu-arm is writable by every user/);
  });

  it("accepts a path whose every existing directory only its owner can write, through a sticky /tmp", async () => {
    await mkdir(join(dir, "a"), { mode: 0o755 });
    await expect(check(join(dir, "a", "not-yet", "qus"))).resolves.toBeUndefined();
  });

  it("refuses a world-writable directory above the path, naming it and the fix", async () => {
    await mkdir(join(dir, "open"));
    await chmod(join(dir, "open"), 0o777);
    const error = (await check(join(dir, "open", "qus")).catch((e: unknown) => e)) as QusError;
    expect(error).toBeInstanceOf(QusError);
    expect(error.message).toBe(
      `Refusing to run as root: ${join(dir, "open")}, a directory above installDir ${join(dir, "open", "qus")}, is writable by every user (mode 0777)`,
    );
    expect(error.hint).toBe(`chmod go-w ${join(dir, "open")}`);
  });

  it("refuses a group-writable file itself", async () => {
    await writeFile(join(dir, "qus.config.json"), "{}");
    await chmod(join(dir, "qus.config.json"), 0o664);
    await expect(
      refuseUnsafePath({ path: join(dir, "qus.config.json"), what: "config file" }, me),
    ).rejects.toThrow(
      `config file ${join(dir, "qus.config.json")} is writable by its group (mode 0664)`,
    );
  });

  it("accepts a sticky world-writable directory (like /tmp), but not the same without the sticky bit", async () => {
    await mkdir(join(dir, "shared"));
    await chmod(join(dir, "shared"), 0o1777);
    await expect(check(join(dir, "shared", "qus"))).resolves.toBeUndefined();
    await chmod(join(dir, "shared"), 0o777);
    await expect(check(join(dir, "shared", "qus"))).rejects.toThrow(/writable by every user/);
  });

  it("refuses anything owned by an untrusted user, symlinks included", async () => {
    await mkdir(join(dir, "real"));
    await symlink(join(dir, "real"), join(dir, "link"));
    await expect(check(join(dir, "link", "qus"), [me[0]! + 1])).rejects.toThrow(
      /is a symbolic link owned by uid \d+, not root/,
    );
    await expect(check(join(dir, "link", "qus"))).resolves.toBeUndefined();
  });
});
