import { execFileSync } from "node:child_process";
import { mkdir, readdir, stat, writeFile, copyFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, beforeEach, describe, expect, test } from "vitest";
import { describeHost } from "../../../src/catalog/host.js";
import { SourceError } from "../../../src/errors.js";
import { sha256File } from "../../../src/files/hash.js";
import { BlobCache } from "../../../src/sources/cache.js";
import { extractEmulators } from "../../../src/sources/debian/extract.js";
import { debianMirror, type DebianMirrorFixture } from "../../helpers/debian-mirror.js";
import { emulatorPath, qemuDeb } from "../../helpers/fixtures.js";
import { tempDirs } from "../temp-dirs.js";

const makeDir = tempDirs();

const HOST = describeHost("x86_64");
let mirror: DebianMirrorFixture;
let cacheDir: string;
let cache: BlobCache;

beforeAll(async () => {
  mirror = await debianMirror();
});
beforeEach(async () => {
  cacheDir = await makeDir("qus-extract-");
  cache = new BlobCache(cacheDir);
});

const cacheFiles = async () => readdir(join(cacheDir, "sha256")).catch(() => [] as string[]);

describe("extractEmulators", () => {
  test("takes aarch64 out of the real bookworm package and stops reading early", async () => {
    const { blobs, stats } = await extractEmulators(
      qemuDeb(),
      [{ emulator: "qemu-aarch64", member: "usr/bin/qemu-aarch64-static" }],
      cache,
      { host: HOST, where: "bookworm deb" },
    );
    const blob = blobs.get("qemu-aarch64");
    expect(blob?.sha256).toBe((await sha256File(emulatorPath("aarch64"))).sha256);
    expect((await stat(blob!.path)).mode & 0o777).toBe(0o755);
    // aarch64 is the 4th of 183 entries: far less than the 388 MB tar is decoded.
    expect(stats.tarBytesRead).toBeLessThan(40 * 1024 * 1024);
    expect(stats.compressedBytesRead).toBeLessThan(stats.dataMemberBytes);
    expect(await cacheFiles()).toEqual([blob?.sha256]);
  });

  test("reads trixie's qemu-user with data.tar.zst", async () => {
    const deb = join(mirror.root, mirror.trixieUser.filename);
    const wanted = ["riscv64", "s390x"].map((t) => ({
      emulator: `qemu-${t}`,
      member: `usr/bin/qemu-${t}`,
    }));
    const { blobs } = await extractEmulators(deb, wanted, cache, {
      host: HOST,
      where: "trixie deb",
    });
    for (const t of ["riscv64", "s390x"])
      expect(blobs.get(`qemu-${t}`)?.sha256).toBe((await sha256File(emulatorPath(t))).sha256);
  });

  test("reads data.tar.xz with the WebAssembly decoder when no system xz is used", async () => {
    const deb = join(mirror.root, mirror.trixieSecurityUser.filename);
    const { blobs, stats } = await extractEmulators(
      deb,
      [{ emulator: "qemu-arm", member: "usr/bin/qemu-arm" }],
      cache,
      {
        host: HOST,
        where: "trixie-security deb",
        decompress: { useSystemTools: false },
      },
    );
    expect(stats.decoder).toBe("xz-decompress (WebAssembly)");
    expect(blobs.get("qemu-arm")?.sha256).toBe((await sha256File(emulatorPath("arm"))).sha256);
  });

  test("refuses trixie's qemu-user-static: its emulators are symlinks", async () => {
    const deb = join(mirror.root, mirror.trixieTransitional.filename);
    const error = await extractEmulators(
      deb,
      [{ emulator: "qemu-aarch64", member: "usr/bin/qemu-aarch64-static" }],
      cache,
      { host: HOST, where: "shim" },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toBe(
      "shim: /usr/bin/qemu-aarch64-static is a symlink -> qemu-aarch64, not a regular file; qus does not follow links",
    );
    expect(await cacheFiles()).toEqual([]);
  });

  test("refuses a dynamically linked emulator (bookworm's qemu-user)", async () => {
    const deb = join(mirror.root, mirror.bookwormDynamicUser.filename);
    await expect(
      extractEmulators(deb, [{ emulator: "qemu-aarch64", member: "usr/bin/qemu-aarch64" }], cache, {
        host: HOST,
        where: "dynamic",
      }),
    ).rejects.toThrow(/is dynamically linked \(it has a PT_INTERP loader\)/);
    expect(await cacheFiles()).toEqual([]);
  });

  test("refuses emulators built for another host CPU", async () => {
    const deb = join(mirror.root, mirror.trixieUser.filename);
    await expect(
      extractEmulators(deb, [{ emulator: "qemu-arm", member: "usr/bin/qemu-arm" }], cache, {
        host: describeHost("aarch64"),
        where: "trixie deb",
      }),
    ).rejects.toThrow(
      /is built for x86-64 \(62\), 64-bit little-endian, but this host runs AArch64/,
    );
    expect(await cacheFiles()).toEqual([]);
  });

  test("names the emulators a package does not have", async () => {
    const deb = join(mirror.root, mirror.trixieUser.filename);
    const wanted = [
      { emulator: "qemu-aarch64", member: "usr/bin/qemu-aarch64" },
      { emulator: "qemu-hexagon", member: "usr/bin/qemu-hexagon" },
    ];
    await expect(
      extractEmulators(deb, wanted, cache, { host: HOST, where: "trixie deb" }),
    ).rejects.toThrow("trixie deb has no /usr/bin/qemu-hexagon");
  });

  test("refuses a package with a path that climbs out of its tree (uncompressed data.tar)", async () => {
    const dir = await makeDir("qus-evil-");
    await mkdir(join(dir, "tree", "usr", "bin"), { recursive: true });
    await copyFile(emulatorPath("aarch64"), join(dir, "tree", "usr", "bin", "qemu-aarch64"));
    execFileSync("tar", [
      "-cf",
      join(dir, "data.tar"),
      "-P",
      "--transform",
      "s,^\\./usr,./../usr,",
      "-C",
      join(dir, "tree"),
      "./usr",
    ]);
    await writeFile(join(dir, "debian-binary"), "2.0\n");
    execFileSync("tar", ["-czf", join(dir, "control.tar.gz"), "-C", join(dir, "tree"), "."]);
    execFileSync("ar", [
      "rcD",
      join(dir, "evil.deb"),
      join(dir, "debian-binary"),
      join(dir, "control.tar.gz"),
      join(dir, "data.tar"),
    ]);
    await expect(
      extractEmulators(
        join(dir, "evil.deb"),
        [{ emulator: "qemu-aarch64", member: "usr/bin/qemu-aarch64" }],
        cache,
        { host: HOST, where: "evil" },
      ),
    ).rejects.toThrow('evil contains an unsafe path "./../usr/"');
    expect(await cacheFiles()).toEqual([]);
  });

  test("refuses a file that is not a Debian package", async () => {
    await expect(
      extractEmulators(join(mirror.root, "dists", "trixie", "Release"), [], cache, {
        host: HOST,
        where: "not-a-deb",
      }),
    ).rejects.toThrow(/not-a-deb is not a valid Debian package: not an ar archive/);
  });
});
