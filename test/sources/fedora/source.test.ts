// The Fedora source against a real repository on loopback: real RPMs built with rpmbuild and
// signed with rpmsign, holding the real QEMU emulators. Resolution, the lock file, and every
// refusal of the trust chain, each leaving nothing behind.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { SourceError } from "../../../src/errors.js";
import { sha256File } from "../../../src/files/hash.js";
import { readLockFile } from "../../../src/sources/lock.js";
import type { MirrorServer } from "../../helpers/debian-mirror.js";
import {
  FEDORA_RELEASE,
  fedoraRepo,
  REFUSAL_RELEASES,
  RELEASE_VERSION,
  startFedoraServer,
  UPDATE_VERSION,
  type FedoraRepoFixture,
} from "../../helpers/fedora-repo.js";
import { emulatorPath } from "../../helpers/fixtures.js";
import { digests, fixtureSource, leftovers, lockText, workspace } from "./harness.js";

let repo: FedoraRepoFixture;
let server: MirrorServer;
const real: Record<string, string> = {};

beforeAll(async () => {
  repo = await fedoraRepo();
  server = await startFedoraServer(repo);
  for (const t of ["aarch64", "aarch64_be", "ppc64le", "riscv64"])
    real[`qemu-${t}`] = (await sha256File(emulatorPath(t))).sha256;
}, 300_000);
afterAll(async () => server?.stop());
beforeEach(() => server.reset());

const paths = () => server.log.map((r) => r.path);
const RELEASES = `/releases/${FEDORA_RELEASE}/Everything/x86_64/os`;
const UPDATES = `/updates/${FEDORA_RELEASE}/Everything/x86_64`;

async function refusal(promise: Promise<unknown>): Promise<SourceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceError);
  return error as SourceError;
}

describe("Fedora source: resolving through repodata", () => {
  test("takes the newest build across releases and updates, per family subpackage, and locks it", async () => {
    const ws = await workspace();
    const resolved = await fixtureSource(repo, server).resolve(
      ["qemu-aarch64", "qemu-ppc64le", "qemu-aarch64_be"],
      ws.context(),
    );
    expect(digests(resolved)).toEqual({
      "qemu-aarch64": real["qemu-aarch64"],
      "qemu-ppc64le": real["qemu-ppc64le"],
      "qemu-aarch64_be": real["qemu-aarch64_be"],
    });
    expect(resolved.map((r) => r.description)).toEqual([
      `qemu-user-static-aarch64 ${UPDATE_VERSION} (fedora 41)`,
      `qemu-user-static-ppc ${RELEASE_VERSION} (fedora 41)`,
      `qemu-user-static-aarch64 ${UPDATE_VERSION} (fedora 41)`,
    ]);
    // repodata of both repositories, then only the two chosen packages: never the older aarch64 build.
    expect(paths()).toHaveLength(6);
    expect(paths()).toEqual(
      expect.arrayContaining([
        `${RELEASES}/repodata/repomd.xml`,
        `${UPDATES}/repodata/repomd.xml`,
        expect.stringMatching(
          new RegExp(`^${RELEASES}/repodata/[0-9a-f]{64}-primary\\.xml\\.zst$`),
        ),
        expect.stringMatching(new RegExp(`^${UPDATES}/repodata/[0-9a-f]{64}-primary\\.xml\\.gz$`)),
        `/${repo.updateAarch64.filename}`,
        `/${repo.releasePpc.filename}`,
      ]),
    );
    const lock = await readLockFile(ws.lockFile);
    expect(lock?.source).toEqual({ type: "fedora", release: "41" });
    expect(lock?.packages).toEqual([
      {
        package: repo.updateAarch64.name,
        version: UPDATE_VERSION,
        architecture: "x86_64",
        filename: repo.updateAarch64.filename,
        size: repo.updateAarch64.size,
        sha256: repo.updateAarch64.sha256,
      },
      {
        package: repo.releasePpc.name,
        version: RELEASE_VERSION,
        architecture: "x86_64",
        filename: repo.releasePpc.filename,
        size: repo.releasePpc.size,
        sha256: repo.releasePpc.sha256,
      },
    ]);
    expect(Object.keys(lock?.emulators ?? {})).toEqual([
      "qemu-aarch64",
      "qemu-aarch64_be",
      "qemu-ppc64le",
    ]);
    expect(ws.warnings).toEqual([]);
  });

  test("a level-19 zstd payload (as Fedora builds), decoded by the bundled JavaScript decoder", async () => {
    const ws = await workspace();
    const resolved = await fixtureSource(
      repo,
      server,
      {},
      { decompress: { useSystemTools: false } },
    ).resolve(["qemu-riscv64"], ws.context());
    expect(digests(resolved)).toEqual({ "qemu-riscv64": real["qemu-riscv64"] });
    expect(resolved[0]?.description).toBe(`qemu-user-static-riscv ${RELEASE_VERSION} (fedora 41)`);
  });

  test("with the lock and cache in place, a second run makes no request; --upgrade asks again", async () => {
    const ws = await workspace();
    await fixtureSource(repo, server).resolve(["qemu-aarch64"], ws.context());
    const lock = await lockText(ws.lockFile);
    server.reset();
    const again = await fixtureSource(repo, server).resolve(["qemu-aarch64"], ws.context());
    expect(digests(again)).toEqual({ "qemu-aarch64": real["qemu-aarch64"] });
    expect(paths()).toEqual([]);
    expect(await lockText(ws.lockFile)).toBe(lock);
    await fixtureSource(repo, server).resolve(["qemu-aarch64"], ws.context({ upgrade: true }));
    expect(paths()).toContain(`${RELEASES}/repodata/repomd.xml`);
  });

  test("a locked package whose emulator left the cache is downloaded again exactly, from the lock", async () => {
    const ws = await workspace();
    const first = await fixtureSource(repo, server).resolve(["qemu-aarch64"], ws.context());
    const { rm } = await import("node:fs/promises");
    await rm(first[0]?.path as string);
    await rm(join(ws.cacheDir, "sha256", repo.updateAarch64.sha256));
    server.reset();
    const again = await fixtureSource(repo, server).resolve(["qemu-aarch64"], ws.context());
    expect(digests(again)).toEqual({ "qemu-aarch64": real["qemu-aarch64"] });
    expect(paths()).toEqual([`/${repo.updateAarch64.filename}`]);
  });

  test("a version pin picks that build even when updates has a newer one", async () => {
    const ws = await workspace();
    const resolved = await fixtureSource(repo, server, { version: RELEASE_VERSION }).resolve(
      ["qemu-aarch64"],
      ws.context(),
    );
    expect(resolved[0]?.description).toBe(
      `qemu-user-static-aarch64 ${RELEASE_VERSION} (fedora 41)`,
    );
    expect(paths()).toContain(`/${repo.releaseAarch64.filename}`);
    const missing = await refusal(
      fixtureSource(repo, server, { version: "7.0.0-1.fc41" }).resolve(
        ["qemu-aarch64"],
        (await workspace()).context(),
      ),
    );
    expect(missing.message).toBe(
      "Fedora 41 (releases/41 and updates/41, x86_64) has no qemu-user-static-aarch64 version 7.0.0-1.fc41",
    );
    expect(missing.hint).toContain(
      `available: 8.2.0-1.fc41, ${RELEASE_VERSION}, ${UPDATE_VERSION}`,
    );
  });

  test("the key may be given as armored text instead of a file", async () => {
    const ws = await workspace();
    const armored = await readFile(repo.trustedKey, "utf8");
    const resolved = await fixtureSource(repo, server, { key: armored }).resolve(
      ["qemu-aarch64"],
      ws.context(),
    );
    expect(digests(resolved)).toEqual({ "qemu-aarch64": real["qemu-aarch64"] });
  });

  test("a release the mirror does not have is an error naming the URL", async () => {
    const ws = await workspace();
    const error = await refusal(
      fixtureSource(repo, server, { release: 12 }).resolve(["qemu-aarch64"], ws.context()),
    );
    expect(error.message).toBe(
      `The mirror has no releases/12 repository (${server.url}/releases/12/Everything/x86_64/os/repodata/repomd.xml does not exist)`,
    );
    expect(error.hint).toContain("source.release");
    expect(await lockText(ws.lockFile)).toBeNull();
  });

  test("targets Fedora does not package, and hosts Fedora does not build for, are refused up front", async () => {
    const ws = await workspace();
    const error = await refusal(
      fixtureSource(repo, server).resolve(["qemu-nonsense"], ws.context()),
    );
    expect(error.message).toContain("Fedora ships no static emulator for nonsense");
    const { describeHost } = await import("../../../src/catalog/host.js");
    const riscvHost = await workspace(describeHost("riscv64"));
    const host = await refusal(
      fixtureSource(repo, server).resolve(["qemu-aarch64"], riscvHost.context()),
    );
    expect(host.message).toBe(
      "Fedora publishes no packages for this host's architecture (riscv64)",
    );
    expect(paths()).toEqual([]);
  });
});

describe("Fedora source: refusals leave nothing installed", () => {
  const R = REFUSAL_RELEASES;
  const cases: ReadonlyArray<{ name: string; release: number; message: RegExp; key?: "stranger" }> =
    [
      {
        name: "an unsigned package",
        release: R.unsigned,
        message: /: the package is not signed; refusing the package$/,
      },
      {
        name: "a package signed by another key",
        release: R.otherKey,
        message: /: its header signature does not verify with key file .*trusted\.asc/,
      },
      {
        name: "a package whose header was modified",
        release: R.headerModified,
        message:
          /: its header does not match the SHA-256 recorded for it \(the header was modified\); refusing the package$/,
      },
      {
        name: "a package whose payload was modified",
        release: R.payloadModified,
        message:
          /: its payload does not match the digest in its signed header .*: the payload was modified; refusing the package$/,
      },
      {
        name: "an RPM v6 package",
        release: R.v6,
        message:
          /: not a package qus can read: an RPM v6 package: qus reads RPM v4 packages \(lead version 3\.0\) only; refusing the package$/,
      },
      {
        name: "an unknown payload compression (bzip2)",
        release: R.bzip2Payload,
        message:
          /: its payload compressor is "bzip2"; qus reads zstd, xz and gzip payloads; refusing the package$/,
      },
      {
        name: "a cpio member outside usr/bin",
        release: R.outsideUsrBin,
        message:
          /contains a file outside the package's tree, "\.\/usr\/bin\/\.\.\/\.\.\/\.\.\/tmp\/qus-evil"; refusing the package$/,
      },
    ];
  for (const c of cases) {
    test(c.name, async () => {
      const ws = await workspace();
      const error = await refusal(
        fixtureSource(repo, server, { release: c.release }).resolve(["qemu-aarch64"], ws.context()),
      );
      expect(error.message).toMatch(
        /^qemu-user-static-aarch64-9\.1\.0-1\.fc41\.x86_64 \(releases\/\d+\/Everything\/x86_64\/os\/Packages\/q\/qemu-user-static-aarch64-9\.1\.0-1\.fc41\.x86_64\.rpm\)/,
      );
      expect(error.message).toMatch(c.message);
      expect(await leftovers(ws.cacheDir)).toEqual([]);
      expect(await lockText(ws.lockFile)).toBeNull();
    });
  }

  test("the unsigned package is accepted when its SHA-256 is pinned (and only with those bytes)", async () => {
    const pkg = repo.refusals[R.unsigned];
    const ws = await workspace();
    const resolved = await fixtureSource(repo, server, {
      release: R.unsigned,
      key: undefined,
      sha256: { "qemu-user-static-aarch64": pkg?.sha256 as string },
    }).resolve(["qemu-aarch64"], ws.context());
    expect(digests(resolved)).toEqual({ "qemu-aarch64": real["qemu-aarch64"] });
    // Release 90 has no updates repository: that is only a warning.
    expect(ws.warnings).toEqual([
      expect.stringMatching(
        /^The mirror has no updates\/90 repository .*; continuing with releases\/90 only$/,
      ),
      expect.stringContaining(
        "was accepted by its SHA-256 pin in source.sha256, without a signature check",
      ),
    ]);
    const other = await workspace();
    const byFileName = { [pkg?.filename.split("/").pop() as string]: "0".repeat(64) };
    const error = await refusal(
      fixtureSource(repo, server, { release: R.unsigned, sha256: byFileName }).resolve(
        ["qemu-aarch64"],
        other.context(),
      ),
    );
    expect(error.message).toContain(
      `its SHA-256 is ${pkg?.sha256}, but source.sha256 pins ${"0".repeat(64)}`,
    );
    expect(await leftovers(other.cacheDir)).toEqual([]);
  });

  test("without any key, an unpinned package is refused with a hint", async () => {
    const ws = await workspace();
    const keyless = await refusal(
      fixtureSource(repo, server, { key: undefined }).resolve(["qemu-aarch64"], ws.context()),
    );
    expect(keyless.message).toMatch(
      /: no key is configured to check its signature; refusing the package$/,
    );
    expect(keyless.hint).toContain("source.key");
    expect(await leftovers(ws.cacheDir)).toEqual([]);
  });

  test("a primary whose checksum does not match repomd.xml", async () => {
    const ws = await workspace();
    const error = await refusal(
      fixtureSource(repo, server, { release: R.primaryMismatch }).resolve(
        ["qemu-aarch64"],
        ws.context(),
      ),
    );
    expect(error.message).toMatch(
      /primary\.xml\.xz does not match the checksum releases\/94's repomd\.xml lists for it \(.*SHA-256 mismatch/,
    );
    expect(await leftovers(ws.cacheDir)).toEqual([]);
    expect(await lockText(ws.lockFile)).toBeNull();
  });

  test("a truncated package download, every attempt", async () => {
    const ws = await workspace();
    server.faults = [{ path: /\.rpm$/, kind: "truncate", afterBytes: 100_000 }];
    const error = await refusal(
      fixtureSource(repo, server).resolve(["qemu-aarch64"], ws.context()),
    );
    expect(error.message).toMatch(
      new RegExp(
        `^GET .*${repo.updateAarch64.filename.split("/").pop()?.replace(/[.+]/g, "\\$&")} failed after 3 attempts: `,
      ),
    );
    expect(server.log.filter((r) => r.path.endsWith(".rpm"))).toHaveLength(3);
    expect(await leftovers(ws.cacheDir)).toEqual([]);
    expect(await lockText(ws.lockFile)).toBeNull();
  });

  test("a package file that differs from the index (same size) is refused before it is read", async () => {
    const ws = await workspace();
    server.faults = [{ path: /\.rpm$/, kind: "flip", offset: 200 }];
    const error = await refusal(
      fixtureSource(repo, server).resolve(["qemu-aarch64"], ws.context()),
    );
    expect(error.message).toMatch(/SHA-256 mismatch: expected /);
    expect(await leftovers(ws.cacheDir)).toEqual([]);
  });

  test("a corrupt lock file is an error naming it, unless --upgrade", async () => {
    const ws = await workspace();
    await writeFile(ws.lockFile, "{ not json");
    const error = await refusal(
      fixtureSource(repo, server).resolve(["qemu-aarch64"], ws.context()),
    );
    expect(error.message).toContain(`Lock file ${ws.lockFile} is not valid`);
    const upgraded = await fixtureSource(repo, server).resolve(
      ["qemu-aarch64"],
      ws.context({ upgrade: true }),
    );
    expect(digests(upgraded)).toEqual({ "qemu-aarch64": real["qemu-aarch64"] });
  });
});
