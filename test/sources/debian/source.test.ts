import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { SourceError } from "../../../src/errors.js";
import { sha256File } from "../../../src/files/hash.js";
import { readLockFile } from "../../../src/sources/lock.js";
import { createDebianSource } from "../../../src/sources/debian/source.js";
import { persistingSource } from "../persisting-source.js";
import {
  debianMirror,
  startMirrorServer,
  TRIXIE_SECURITY_VERSION,
  TRIXIE_VERSION,
  type DebianMirrorFixture,
  type MirrorServer,
} from "../../helpers/debian-mirror.js";
import { emulatorPath } from "../../helpers/fixtures.js";
import { digests, fixtureSource, leftovers, lockText, TEST_POLICY, workspace } from "./harness.js";

let mirror: DebianMirrorFixture;
let server: MirrorServer;
const real: Record<string, string> = {};

beforeAll(async () => {
  mirror = await debianMirror();
  server = await startMirrorServer(mirror);
  for (const t of ["aarch64", "arm", "riscv64", "s390x"])
    real[`qemu-${t}`] = (await sha256File(emulatorPath(t))).sha256;
});
afterAll(async () => server.stop());
beforeEach(() => server.reset());

const paths = () => server.log.map((r) => r.path);

describe("Debian source: resolving through the signed archive", () => {
  test("bookworm layout: qemu-user-static (data.tar.xz), lock written, security suite absent is a warning", async () => {
    const ws = await workspace();
    const resolved = await fixtureSource(mirror, server, { suite: "bookworm" }).resolve(
      ["qemu-aarch64"],
      ws.context(),
    );
    expect(resolved).toEqual([
      {
        emulator: "qemu-aarch64",
        path: join(ws.cacheDir, "sha256", real["qemu-aarch64"] as string),
        sha256: real["qemu-aarch64"],
        size: (await stat(emulatorPath("aarch64"))).size,
        description: `qemu-user-static ${mirror.bookwormStatic.version} (debian bookworm)`,
      },
    ]);
    expect(paths()).toEqual([
      "/dists/bookworm/InRelease",
      "/dists/bookworm-security/InRelease",
      "/dists/bookworm/main/binary-amd64/Packages.xz",
      `/${mirror.bookwormStatic.filename}`,
    ]);
    expect(ws.warnings).toEqual([
      expect.stringMatching(
        /^Unknown suite bookworm-security: .*continuing without security updates/,
      ),
    ]);
    expect(await readLockFile(ws.lockFile)).toEqual({
      lockfileVersion: 1,
      source: { type: "debian", security: true, suite: "bookworm" },
      packages: [{ ...mirror.bookwormStatic, architecture: "amd64" }],
      emulators: {
        "qemu-aarch64": {
          sha256: real["qemu-aarch64"],
          size: resolved[0]?.size,
          package: "qemu-user-static",
        },
      },
    });
    const debProgress = ws.progress.filter(
      (p) => p.label === mirror.bookwormStatic.filename.split("/").pop(),
    );
    expect(debProgress.at(-1)).toEqual({
      label: expect.any(String),
      receivedBytes: mirror.bookwormStatic.size,
      totalBytes: mirror.bookwormStatic.size,
    });
  });

  test("trixie layout: qemu-user is chosen over the transitional qemu-user-static, newest from trixie-security (xz, by-hash)", async () => {
    const ws = await workspace();
    const resolved = await fixtureSource(mirror, server, { suite: "trixie" }).resolve(
      ["qemu-aarch64", "qemu-s390x"],
      ws.context(),
    );
    expect(digests(resolved)).toEqual({
      "qemu-aarch64": real["qemu-aarch64"],
      "qemu-s390x": real["qemu-s390x"],
    });
    expect(resolved[0]?.description).toBe(`qemu-user ${TRIXIE_SECURITY_VERSION} (debian trixie)`);
    expect(paths()).toContain(`/${mirror.trixieSecurityUser.filename}`);
    expect(paths().filter((p) => p.includes("/by-hash/SHA256/"))).toHaveLength(2);
    expect(paths().some((p) => p.includes("qemu-user-static"))).toBe(false);
    expect((await readLockFile(ws.lockFile))?.packages).toEqual([
      { ...mirror.trixieSecurityUser, architecture: "amd64" },
    ]);
  });

  test("trixie without security: qemu-user from the suite itself (data.tar.zst)", async () => {
    const ws = await workspace();
    const resolved = await fixtureSource(mirror, server, {
      suite: "trixie",
      security: false,
    }).resolve(["qemu-riscv64"], ws.context());
    expect(digests(resolved)).toEqual({ "qemu-riscv64": real["qemu-riscv64"] });
    expect(resolved[0]?.description).toBe(`qemu-user ${TRIXIE_VERSION} (debian trixie)`);
    expect(paths().some((p) => p.includes("trixie-security"))).toBe(false);
    expect(ws.warnings).toEqual([]);
  });

  test("falls back to the plain index path when the by-hash file is missing", async () => {
    const ws = await workspace();
    server.faults = [{ path: /\/by-hash\//, kind: "status", status: 404 }];
    const resolved = await fixtureSource(mirror, server, {
      suite: "trixie",
      security: false,
    }).resolve(["qemu-arm"], ws.context());
    expect(digests(resolved)).toEqual({ "qemu-arm": real["qemu-arm"] });
    expect(paths().filter((p) => p.includes("Packages") || p.includes("by-hash"))).toEqual([
      expect.stringMatching(/^\/dists\/trixie\/main\/binary-amd64\/by-hash\/SHA256\/[0-9a-f]{64}$/),
      "/dists/trixie/main/binary-amd64/Packages.xz",
    ]);
  });

  test("an exact version pin is honoured even when a newer version exists, and recorded in the lock", async () => {
    const ws = await workspace();
    const resolved = await fixtureSource(mirror, server, {
      suite: "trixie",
      version: TRIXIE_VERSION,
    }).resolve(["qemu-arm"], ws.context());
    expect(resolved[0]?.description).toBe(`qemu-user ${TRIXIE_VERSION} (debian trixie)`);
    const lock = await readLockFile(ws.lockFile);
    expect(lock?.source).toEqual({
      type: "debian",
      security: true,
      suite: "trixie",
      version: TRIXIE_VERSION,
    });
    expect(lock?.packages[0]?.filename).toBe(mirror.trixieUser.filename);
  });

  test("takes the mirror from the host's APT sources when the config names none", async () => {
    const ws = await workspace();
    const aptRoot = join(ws.dir, "root");
    await mkdir(join(aptRoot, "etc", "apt", "sources.list.d"), { recursive: true });
    await writeFile(
      join(aptRoot, "etc", "apt", "sources.list.d", "debian.sources"),
      `Types: deb\nURIs: ${server.url}\nSuites: trixie\nComponents: main\n`,
    );
    const source = persistingSource(
      createDebianSource(
        { type: "debian", suites: ["trixie"], security: false, keyring: mirror.trustedKeyring },
        { downloadPolicy: TEST_POLICY, aptRoot },
      ),
    );
    expect(digests(await source.resolve(["qemu-arm"], ws.context()))).toEqual({
      "qemu-arm": real["qemu-arm"],
    });
  });

  test("without a mirror in the config or the APT sources, says to set source.mirror", async () => {
    const ws = await workspace();
    const source = persistingSource(
      createDebianSource(
        { type: "debian", suites: ["trixie"], keyring: mirror.trustedKeyring },
        { aptRoot: ws.dir },
      ),
    );
    const error = await source.resolve(["qemu-arm"], ws.context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toBe(
      "No Debian mirror configured and none found in this host's APT sources",
    );
    expect((error as SourceError).hint).toMatch(/set source.mirror/);
  });
});

describe("Debian source: config checks before any request", () => {
  test.each([
    [{ suite: "../etc" }, 'source.suite "../etc" is not a Debian suite name'],
    [
      { suite: "trixie", version: "newest" },
      'source.version "newest" is not a valid Debian version',
    ],
    [
      { suite: "trixie", mirror: "ftp://mirror.example.invalid/debian" },
      'Mirror "ftp://mirror.example.invalid/debian" is not an http:// or https:// URL',
    ],
  ])("%o is refused", async (config, message) => {
    const ws = await workspace();
    await expect(
      fixtureSource(mirror, server, config).resolve(["qemu-arm"], ws.context()),
    ).rejects.toThrow(message);
    await expect(
      fixtureSource(mirror, server, { suite: "trixie" }).resolve(["not an emulator"], ws.context()),
    ).rejects.toThrow(/not a QEMU emulator program name/);
    expect(server.log).toEqual([]);
  });

  test("asking for no emulators does nothing at all", async () => {
    const ws = await workspace();
    expect(
      await fixtureSource(mirror, server, { suite: "trixie" }).resolve([], ws.context()),
    ).toEqual([]);
    expect(server.log).toEqual([]);
    expect(await lockText(ws.lockFile)).toBeNull();
  });
});

describe("Debian source: lock file and cache", () => {
  test("a second resolve with lock and cache makes zero HTTP requests and leaves the lock untouched", async () => {
    const ws = await workspace();
    const source = fixtureSource(mirror, server, { suite: "trixie" });
    const first = await source.resolve(["qemu-aarch64", "qemu-arm"], ws.context());
    const lockBefore = await stat(ws.lockFile);
    server.reset();
    const again = await fixtureSource(mirror, server, { suite: "trixie" }).resolve(
      ["qemu-aarch64", "qemu-arm"],
      ws.context(),
    );
    expect(server.log).toEqual([]);
    expect(again).toEqual(first);
    expect((await stat(ws.lockFile)).mtimeMs).toBe(lockBefore.mtimeMs);
  });

  test("works offline from the lock and the cache once the server is gone", async () => {
    const ws = await workspace();
    const own = await startMirrorServer(mirror);
    const config = {
      type: "debian" as const,
      suites: ["trixie"],
      mirror: own.url,
      keyring: mirror.trustedKeyring,
    };
    const first = await persistingSource(
      createDebianSource(config, { downloadPolicy: TEST_POLICY }),
    ).resolve(["qemu-riscv64"], ws.context());
    await own.stop();
    const offline = await persistingSource(
      createDebianSource(config, { downloadPolicy: TEST_POLICY }),
    ).resolve(["qemu-riscv64"], ws.context());
    expect(offline).toEqual(first);
    expect(
      (await readFile(offline[0]?.path as string)).equals(await readFile(emulatorPath("riscv64"))),
    ).toBe(true);
  });

  test("--upgrade re-resolves and picks the newer version; without it the lock holds", async () => {
    const ws = await workspace();
    server.overlay = mirror.oldSecurityOverlay; // trixie-security has no qemu yet
    await fixtureSource(mirror, server, { suite: "trixie" }).resolve(
      ["qemu-aarch64"],
      ws.context(),
    );
    expect((await readLockFile(ws.lockFile))?.packages[0]?.version).toBe(TRIXIE_VERSION);
    server.reset(); // the security update is published
    const held = await fixtureSource(mirror, server, { suite: "trixie" }).resolve(
      ["qemu-aarch64"],
      ws.context(),
    );
    expect(held[0]?.description).toBe(`qemu-user ${TRIXIE_VERSION} (debian trixie)`);
    expect(server.log).toEqual([]);
    const upgraded = await fixtureSource(mirror, server, { suite: "trixie" }).resolve(
      ["qemu-aarch64"],
      ws.context({ upgrade: true }),
    );
    expect(upgraded[0]?.description).toBe(`qemu-user ${TRIXIE_SECURITY_VERSION} (debian trixie)`);
    expect((await readLockFile(ws.lockFile))?.packages[0]?.version).toBe(TRIXIE_SECURITY_VERSION);
  });

  test("--upgrade that finds the same package reuses the cached emulators and fetches no .deb", async () => {
    const ws = await workspace();
    await fixtureSource(mirror, server, { suite: "trixie" }).resolve(["qemu-arm"], ws.context());
    await rm(join(ws.cacheDir, "sha256", mirror.trixieSecurityUser.sha256));
    server.reset();
    const upgraded = await fixtureSource(mirror, server, { suite: "trixie" }).resolve(
      ["qemu-arm"],
      ws.context({ upgrade: true }),
    );
    expect(digests(upgraded)).toEqual({ "qemu-arm": real["qemu-arm"] });
    expect(paths().sort()).toEqual(["/dists/trixie-security/InRelease", "/dists/trixie/InRelease"]); // indexes were cached by hash
  });

  test("a new target is extracted from the locked package, without asking the archive", async () => {
    const ws = await workspace();
    await fixtureSource(mirror, server, { suite: "trixie", version: TRIXIE_VERSION }).resolve(
      ["qemu-aarch64"],
      ws.context(),
    );
    server.reset();
    const more = await fixtureSource(mirror, server, {
      suite: "trixie",
      version: TRIXIE_VERSION,
    }).resolve(["qemu-aarch64", "qemu-s390x"], ws.context());
    expect(digests(more)).toEqual({
      "qemu-aarch64": real["qemu-aarch64"],
      "qemu-s390x": real["qemu-s390x"],
    });
    expect(server.log).toEqual([]); // the .deb is still in the cache
    const lock = await readLockFile(ws.lockFile);
    expect(Object.keys(lock?.emulators ?? {})).toEqual(["qemu-aarch64", "qemu-s390x"]);
    expect(lock?.packages[0]?.version).toBe(TRIXIE_VERSION);
  });

  test("missing blobs with a lock re-download exactly the locked .deb, nothing else", async () => {
    const ws = await workspace();
    const first = await fixtureSource(mirror, server, { suite: "trixie" }).resolve(
      ["qemu-arm"],
      ws.context(),
    );
    const lockBefore = await lockText(ws.lockFile);
    await rm(ws.cacheDir, { recursive: true });
    server.reset();
    const again = await fixtureSource(mirror, server, { suite: "trixie" }).resolve(
      ["qemu-arm"],
      ws.context(),
    );
    expect(again).toEqual(first);
    expect(paths()).toEqual([`/${mirror.trixieSecurityUser.filename}`]);
    expect(await lockText(ws.lockFile)).toBe(lockBefore);
  });

  test("a locked .deb the mirror no longer has is a clear error suggesting --upgrade", async () => {
    const ws = await workspace();
    await fixtureSource(mirror, server, { suite: "trixie" }).resolve(["qemu-arm"], ws.context());
    const lockBefore = await lockText(ws.lockFile);
    await rm(ws.cacheDir, { recursive: true });
    server.reset();
    server.faults = [{ path: /\.deb$/, kind: "status", status: 404 }];
    const error = await fixtureSource(mirror, server, { suite: "trixie" })
      .resolve(["qemu-arm"], ws.context())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toBe(
      `The locked package qemu-user ${TRIXIE_SECURITY_VERSION} (${mirror.trixieSecurityUser.filename}) is no longer on ${server.url}`,
    );
    expect((error as SourceError).hint).toMatch(/--upgrade/);
    expect(await lockText(ws.lockFile)).toBe(lockBefore);
  });

  test("two runs at once on the same cache and lock both succeed and leave one consistent state", async () => {
    const ws = await workspace();
    const [a, b] = await Promise.all([
      fixtureSource(mirror, server, { suite: "trixie", security: false }).resolve(
        ["qemu-arm", "qemu-riscv64"],
        ws.context(),
      ),
      fixtureSource(mirror, server, { suite: "trixie", security: false }).resolve(
        ["qemu-arm", "qemu-riscv64"],
        ws.context(),
      ),
    ]);
    expect(a).toEqual(b);
    expect(digests(a)).toEqual({
      "qemu-arm": real["qemu-arm"],
      "qemu-riscv64": real["qemu-riscv64"],
    });
    expect(await leftovers(ws.cacheDir)).toEqual(
      [`${real["qemu-arm"]} (emulator)`, `${real["qemu-riscv64"]} (emulator)`].sort(),
    );
    expect(Object.keys((await readLockFile(ws.lockFile))?.emulators ?? {})).toEqual([
      "qemu-arm",
      "qemu-riscv64",
    ]);
  });

  test("a cached emulator that was corrupted is discarded and extracted again", async () => {
    const ws = await workspace();
    const [first] = await fixtureSource(mirror, server, { suite: "trixie" }).resolve(
      ["qemu-arm"],
      ws.context(),
    );
    await writeFile(first?.path as string, "garbage");
    server.reset();
    const [again] = await fixtureSource(mirror, server, { suite: "trixie" }).resolve(
      ["qemu-arm"],
      ws.context(),
    );
    expect(again?.sha256).toBe(real["qemu-arm"]);
    expect(await sha256File(again?.path as string)).toEqual({
      sha256: real["qemu-arm"],
      size: first?.size,
    });
    expect(server.log).toEqual([]); // the .deb was still cached
  });

  test("a lock for another suite is re-resolved against the archive", async () => {
    const ws = await workspace();
    await fixtureSource(mirror, server, { suite: "trixie", security: false }).resolve(
      ["qemu-arm"],
      ws.context(),
    );
    server.reset();
    const other = await fixtureSource(mirror, server, {
      suite: "sid",
      version: TRIXIE_VERSION,
    }).resolve(["qemu-arm"], ws.context());
    expect(other[0]?.description).toBe(`qemu-user ${TRIXIE_VERSION} (debian sid)`);
    expect(paths()).toContain("/dists/sid/InRelease");
    expect((await readLockFile(ws.lockFile))?.source).toEqual({
      type: "debian",
      security: false,
      suite: "sid",
      version: TRIXIE_VERSION,
    });
  });
});
