// The Debian source's version policy against the signed loopback archive, which offers several
// QEMU generations: bookworm's real 7.2 (qemu-user-static), trixie's 10.0.2 and trixie-security's
// 10.0.2+deb13u1 (test builds), trixie-backports' real 11.1.3 (qemu-user). A suite list and a
// `qemu` range pick the newest satisfying package whatever the order; the range is locked.
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { SourceError } from "../../../src/errors.js";
import { sha256File } from "../../../src/files/hash.js";
import { readLockFile } from "../../../src/sources/lock.js";
import {
  debianMirror,
  startMirrorServer,
  TRIXIE_SECURITY_VERSION,
  type DebianMirrorFixture,
  type MirrorServer,
} from "../../helpers/debian-mirror.js";
import { fixturesDir } from "../../helpers/fixtures.js";
import { fixtureSource, workspace } from "./harness.js";

let mirror: DebianMirrorFixture;
let server: MirrorServer;
let backportsAarch64: string;

beforeAll(async () => {
  mirror = await debianMirror();
  server = await startMirrorServer(mirror);
  const extracted = join(fixturesDir(), "generations", "trixie-backports", "qemu-aarch64-static");
  backportsAarch64 = (await sha256File(extracted)).sha256;
}, 300_000);
afterAll(async () => server.stop());
beforeEach(() => server.reset());

async function refusal(promise: Promise<unknown>): Promise<SourceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceError);
  return error as SourceError;
}

const debs = () => server.log.filter((r) => r.path.endsWith(".deb")).map((r) => r.path);

describe("Debian source: suite lists and the qemu range", () => {
  test("installs the newest satisfying QEMU whatever order the suites are listed in", async () => {
    const ws = await workspace();
    const backports = mirror.trixieBackportsUser;
    for (const suite of [
      ["trixie-backports", "trixie"],
      ["trixie", "trixie-backports"],
    ]) {
      const resolved = await fixtureSource(mirror, server, { suite, qemu: ">=9.2" }).resolve(
        ["qemu-aarch64"],
        ws.context({ lockFile: join(ws.dir, `${suite[0]}.lock.json`) }),
      );
      expect(resolved[0]?.sha256).toBe(backportsAarch64);
      expect(resolved[0]?.description).toBe(
        `qemu-user ${backports.version} (debian ${suite.join(", ")})`,
      );
    }
    // Every listed suite was asked, and trixie-security (backports has no security suite).
    expect(server.log.map((r) => r.path)).toEqual(
      expect.arrayContaining([
        "/dists/trixie/InRelease",
        "/dists/trixie-security/InRelease",
        "/dists/trixie-backports/InRelease",
      ]),
    );
    expect(server.log.some((r) => r.path.includes("trixie-backports-security"))).toBe(false);
    const lock = await readLockFile(join(ws.dir, "trixie.lock.json"));
    expect(lock?.source).toEqual({
      type: "debian",
      suite: "trixie,trixie-backports",
      security: true,
      qemu: ">=9.2",
    });
    expect(lock?.packages.map((p) => p.version)).toEqual([backports.version]);
  }, 120_000);

  test("the range excludes newer packages: below 11 the newest is trixie-security's", async () => {
    const ws = await workspace();
    const resolved = await fixtureSource(mirror, server, {
      suite: ["trixie-backports", "trixie"],
      qemu: "<11",
    }).resolve(["qemu-riscv64"], ws.context());
    expect(resolved[0]?.description).toBe(
      `qemu-user ${TRIXIE_SECURITY_VERSION} (debian trixie-backports, trixie)`,
    );
    expect(debs()).toEqual([`/${mirror.trixieSecurityUser.filename}`]);
  });

  test("each suite applies its own package rule: bookworm's qemu-user-static, not its dynamic qemu-user", async () => {
    const ws = await workspace();
    const resolved = await fixtureSource(mirror, server, {
      suite: ["trixie-backports", "bookworm"],
      qemu: "~7.2",
    }).resolve(["qemu-aarch64"], ws.context());
    expect(resolved[0]?.description).toBe(
      `qemu-user-static ${mirror.bookwormStatic.version} (debian trixie-backports, bookworm)`,
    );
  });

  test("no candidate satisfying the range: the error lists what each suite offers", async () => {
    const ws = await workspace();
    const error = await refusal(
      fixtureSource(mirror, server, {
        suite: ["bookworm", "trixie", "trixie-backports"],
        qemu: ">=12",
      }).resolve(["qemu-aarch64"], ws.context()),
    );
    expect(error.message).toBe(
      'Suites bookworm, trixie, trixie-backports (and bookworm-security, trixie-security) offer no QEMU satisfying qemu ">=12" for amd64',
    );
    expect(error.hint).toBe(
      `available: bookworm: qemu-user-static ${mirror.bookwormStatic.version} (QEMU 7.2); ` +
        `trixie: qemu-user ${TRIXIE_SECURITY_VERSION} (QEMU 10.0.2) in trixie-security, qemu-user 1:10.0.2+ds-1 (QEMU 10.0.2); ` +
        `trixie-backports: qemu-user ${mirror.trixieBackportsUser.version} (QEMU 11.1.3); ` +
        "widen source.qemu or list a suite that has a newer QEMU (e.g. a backports suite)",
    );
    expect(debs()).toEqual([]);
    expect(await readLockFile(ws.lockFile)).toBeNull();
  });

  test("an exact pin outside the range is refused before any package is downloaded", async () => {
    const ws = await workspace();
    const error = await refusal(
      fixtureSource(mirror, server, {
        suite: ["trixie", "trixie-backports"],
        qemu: ">=11",
        version: TRIXIE_SECURITY_VERSION,
      }).resolve(["qemu-aarch64"], ws.context()),
    );
    expect(error.message).toBe(
      `source.version ${TRIXIE_SECURITY_VERSION} is outside source.qemu ">=11"`,
    );
    expect(debs()).toEqual([]);
  });

  test("an exact pin inside the range wins over the newest", async () => {
    const ws = await workspace();
    const resolved = await fixtureSource(mirror, server, {
      suite: ["trixie-backports", "trixie"],
      qemu: ">=10",
      version: TRIXIE_SECURITY_VERSION,
    }).resolve(["qemu-arm"], ws.context());
    expect(resolved[0]?.description).toContain(TRIXIE_SECURITY_VERSION);
  });

  test("the lock holds while the range is the same; changing the range resolves again", async () => {
    const ws = await workspace();
    const below11 = { suite: ["trixie", "trixie-backports"], qemu: "<11" };
    const first = await fixtureSource(mirror, server, below11).resolve(
      ["qemu-s390x"],
      ws.context(),
    );
    expect(first[0]?.description).toContain(TRIXIE_SECURITY_VERSION);
    server.reset();
    // Same range, suites in another order: the lock applies, nothing is asked.
    const again = await fixtureSource(mirror, server, {
      ...below11,
      suite: ["trixie-backports", "trixie"],
    }).resolve(["qemu-s390x"], ws.context());
    expect(again[0]?.sha256).toBe(first[0]?.sha256);
    expect(server.log).toEqual([]);
    const widened = await fixtureSource(mirror, server, { ...below11, qemu: ">=9.2" }).resolve(
      ["qemu-s390x"],
      ws.context(),
    );
    expect(widened[0]?.description).toContain(mirror.trixieBackportsUser.version);
    expect((await readLockFile(ws.lockFile))?.source.qemu).toBe(">=9.2");
  }, 120_000);
});
