// Every way the trust chain or the transport can fail must end in a SourceError that says what
// and where, with no emulator produced, no temp file left and the lock file untouched.
import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { describeHost } from "../../../src/catalog/host.js";
import { SourceError } from "../../../src/errors.js";
import type { DebianSourceConfig } from "../../../src/sources/debian/config.js";
import type { SourceContext } from "../../../src/sources/types.js";
import {
  debianMirror,
  EXPIRED_VALID_UNTIL,
  startMirrorServer,
  TRIXIE_VERSION,
  type DebianMirrorFixture,
  type Fault,
  type MirrorServer,
} from "../../helpers/debian-mirror.js";
import { fixtureSource, leftovers, lockText, workspace, type Workspace } from "./harness.js";

let mirror: DebianMirrorFixture;
let server: MirrorServer;
beforeAll(async () => {
  mirror = await debianMirror();
  server = await startMirrorServer(mirror);
});
afterAll(async () => server.stop());
beforeEach(() => server.reset());

// A lock for another suite: it does not apply, so resolution goes to the archive, and it must
// come out of a failed resolution byte for byte unchanged.
const UNRELATED_LOCK = `${JSON.stringify(
  {
    lockfileVersion: 1,
    source: { type: "debian", security: false, suite: "buster" },
    packages: [
      {
        package: "qemu-user",
        version: "1:11.0+ds-1",
        architecture: "amd64",
        filename: "pool/main/q/qemu/qemu-user_11.0+ds-1_amd64.deb",
        size: 1,
        sha256: "f".repeat(64),
      },
    ],
    emulators: { "qemu-arm": { sha256: "e".repeat(64), size: 1, package: "qemu-user" } },
  },
  null,
  2,
)}\n`;

interface Refusal {
  readonly config: Partial<Omit<DebianSourceConfig, "suites">> & { suite: string };
  readonly faults?: Fault[];
  readonly context?: Partial<SourceContext>;
  readonly host?: string;
}

async function expectRefusal(
  refusal: Refusal,
  message: RegExp | string,
): Promise<{ ws: Workspace; error: SourceError }> {
  const ws = await workspace(describeHost(refusal.host ?? "x86_64"));
  await writeFile(ws.lockFile, UNRELATED_LOCK);
  server.faults = refusal.faults ?? [];
  const source = fixtureSource(mirror, server, {
    ...refusal.config,
    keyring: refusal.config.keyring ?? mirror.trustedKeyring,
  });
  const error = await source
    .resolve(["qemu-aarch64", "qemu-arm"], ws.context(refusal.context))
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SourceError);
  if (typeof message === "string") expect((error as Error).message).toBe(message);
  else expect((error as Error).message).toMatch(message);
  expect(await leftovers(ws.cacheDir)).toEqual([]);
  expect(await lockText(ws.lockFile)).toBe(UNRELATED_LOCK);
  return { ws, error: error as SourceError };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const requests = (pattern: RegExp) => server.log.filter((r) => pattern.test(r.path));
const TRIXIE_IN_RELEASE = /^\/dists\/trixie\/InRelease$/;
const SECURITY_DEB = /qemu-user_10\.0\.2\+ds-1\+deb13u1_amd64\.deb$/;

describe("Debian source refuses", () => {
  test("an InRelease signed by a key outside the keyring", async () => {
    await expectRefusal(
      { config: { suite: "trixie", keyring: mirror.untrustedKeyring } },
      `No valid signature from a trusted key on ${server.url}/dists/trixie/InRelease (keyring ${mirror.untrustedKeyring})`,
    );
    expect(requests(/\.deb$/)).toEqual([]);
  });

  test("a modified InRelease", async () => {
    await expectRefusal(
      {
        config: { suite: "trixie" },
        faults: [
          {
            path: TRIXIE_IN_RELEASE,
            kind: "replace",
            from: "Components: main",
            to: "Components: main contrib",
          },
        ],
      },
      /^No valid signature from a trusted key on .*\/dists\/trixie\/InRelease/,
    );
  });

  test("another suite's (validly signed) InRelease served under this suite's name", async () => {
    await expectRefusal(
      {
        config: { suite: "trixie" },
        faults: [{ path: TRIXIE_IN_RELEASE, kind: "substitute", file: "dists/bookworm/InRelease" }],
      },
      `${server.url}/dists/trixie/InRelease describes suite bookworm, not trixie; refusing it`,
    );
  });

  test("a modified Packages index", async () => {
    await expectRefusal(
      {
        config: { suite: "trixie", security: false },
        faults: [
          { path: /\/dists\/trixie\/main\/binary-amd64\/by-hash\//, kind: "flip", offset: 100 },
        ],
      },
      /\/dists\/trixie\/main\/binary-amd64\/by-hash\/SHA256\/[0-9a-f]{64}: SHA-256 mismatch: expected [0-9a-f]{64}, got [0-9a-f]{64}$/,
    );
    expect(requests(/\.deb$/)).toEqual([]);
  });

  test("a modified .deb, without extracting anything from it", async () => {
    await expectRefusal(
      {
        config: { suite: "trixie" },
        faults: [{ path: SECURITY_DEB, kind: "flip", offset: 4_000_000 }],
      },
      new RegExp(
        `^GET ${escapeRegExp(`${server.url}/${mirror.trixieSecurityUser.filename}`)}: SHA-256 mismatch: expected ${mirror.trixieSecurityUser.sha256}, got [0-9a-f]{64}$`,
      ),
    );
    expect(requests(SECURITY_DEB)).toHaveLength(1);
  });

  test("a .deb of the wrong size", async () => {
    await expectRefusal(
      { config: { suite: "trixie" }, faults: [{ path: SECURITY_DEB, kind: "append", bytes: 1 }] },
      `GET ${server.url}/${mirror.trixieSecurityUser.filename}: the server sends ${mirror.trixieSecurityUser.size + 1} bytes, but ${mirror.trixieSecurityUser.size} are expected`,
    );
  });

  test("a download that is always cut short, after retrying it", async () => {
    await expectRefusal(
      {
        config: { suite: "trixie" },
        faults: [{ path: SECURITY_DEB, kind: "truncate", afterBytes: 2_000_000 }],
      },
      /^GET .*qemu-user_10\.0\.2\+ds-1\+deb13u1_amd64\.deb failed after 3 attempts: connection lost after \d+ bytes/,
    );
    expect(requests(SECURITY_DEB)).toHaveLength(3);
  });

  test("metadata past its Valid-Until, before any Packages index is fetched", async () => {
    const { error } = await expectRefusal(
      { config: { suite: "sid" } },
      `${server.url}/dists/sid/InRelease expired on 2022-01-01T00:00:00.000Z (Valid-Until); refusing possibly outdated metadata`,
    );
    expect(server.log.filter((r) => r.path.includes("/Packages"))).toEqual([]);
    expect(error.hint).toMatch(/pin source.version/);
    expect(EXPIRED_VALID_UNTIL).toContain("2022");
  });

  test("server errors that persist, after the retries show in the server log", async () => {
    await expectRefusal(
      {
        config: { suite: "trixie" },
        faults: [{ path: TRIXIE_IN_RELEASE, kind: "status", status: 502 }],
      },
      /\/dists\/trixie\/InRelease failed after 3 attempts: HTTP 502/,
    );
    expect(requests(TRIXIE_IN_RELEASE).map((r) => r.status)).toEqual([502, 502, 502]);
  });

  test("a server that never answers, after the retries show in the server log", async () => {
    await expectRefusal(
      {
        config: { suite: "trixie" },
        faults: [{ path: TRIXIE_IN_RELEASE, kind: "delay", ms: 2000 }],
      },
      /\/dists\/trixie\/InRelease failed after 3 attempts: no response within 400 ms/,
    );
    expect(requests(TRIXIE_IN_RELEASE)).toHaveLength(3);
  });

  test("an unknown suite", async () => {
    await expectRefusal(
      { config: { suite: "nosuch" } },
      `Unknown suite nosuch: the mirror has no ${server.url}/dists/nosuch/InRelease`,
    );
  });

  test("a suite without any QEMU user-mode package", async () => {
    await expectRefusal(
      { config: { suite: "forky", security: false } },
      "Suite forky has no package qemu-user-static or qemu-user for arch amd64",
    );
  });

  test("an architecture the suite does not publish", async () => {
    await expectRefusal(
      { config: { suite: "trixie" }, host: "aarch64" },
      `Suite trixie has no packages for architecture arm64 (${server.url}/dists/trixie/InRelease lists: amd64)`,
    );
  });

  test("a pinned version the archive does not have", async () => {
    const { error } = await expectRefusal(
      { config: { suite: "trixie", version: "1:9.2.1+ds-1" } },
      "Suite trixie (and trixie-security) has no QEMU user-mode package version 1:9.2.1+ds-1 for amd64",
    );
    expect(error.hint).toContain(TRIXIE_VERSION);
  });

  test("an explicitly requested security suite that does not exist", async () => {
    await expectRefusal(
      { config: { suite: "bookworm", security: true } },
      `Unknown suite bookworm-security: the mirror has no ${server.url}/dists/bookworm-security/InRelease`,
    );
    // Refused on the InRelease alone: no Packages index (the large download) was fetched.
    expect(server.log.filter((r) => r.path.includes("/Packages"))).toEqual([]);
  });

  test("a security InRelease that cannot be had stops the run before any Packages index", async () => {
    await expectRefusal(
      {
        config: { suite: "trixie" },
        faults: [{ path: /^\/dists\/trixie-security\/InRelease$/, kind: "status", status: 502 }],
      },
      /\/dists\/trixie-security\/InRelease failed after 3 attempts: HTTP 502/,
    );
    expect(server.log.filter((r) => r.path.includes("/Packages"))).toEqual([]);
  });
});

describe("Debian source accepts, with a warning", () => {
  test("expired metadata when the version is pinned exactly", async () => {
    const ws = await workspace();
    const resolved = await fixtureSource(mirror, server, {
      suite: "sid",
      version: TRIXIE_VERSION,
    }).resolve(["qemu-arm"], ws.context());
    expect(resolved[0]?.description).toBe(`qemu-user ${TRIXIE_VERSION} (debian sid)`);
    expect(ws.warnings).toEqual([
      `${server.url}/dists/sid/InRelease expired on 2022-01-01T00:00:00.000Z (Valid-Until); accepted because source.version pins an exact version`,
    ]);
  });

  test("a server that fails twice and then recovers (retries seen in the log)", async () => {
    const ws = await workspace();
    server.faults = [{ path: TRIXIE_IN_RELEASE, kind: "status", status: 500, times: 2 }];
    await fixtureSource(mirror, server, { suite: "trixie", security: false }).resolve(
      ["qemu-arm"],
      ws.context(),
    );
    expect(requests(TRIXIE_IN_RELEASE).map((r) => r.status)).toEqual([500, 500, 200]);
  });
});
