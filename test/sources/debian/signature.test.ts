import { existsSync, readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { SourceError } from "../../../src/errors.js";
import { parseRelease } from "../../../src/sources/debian/release.js";
import {
  loadKeyring,
  verifyClearSigned,
  type Keyring,
} from "../../../src/sources/debian/signature.js";
import { debianMirror, type DebianMirrorFixture } from "../../helpers/debian-mirror.js";

const APT_LISTS = "/var/lib/apt/lists";
const DEBIAN_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";

/** The host's own InRelease files for Debian suites (what `apt-get update` verified). */
function hostInReleaseFiles(): string[] {
  if (!existsSync(APT_LISTS)) return [];
  return readdirSync(APT_LISTS)
    .filter(
      (name) =>
        name.endsWith("_InRelease") && /_dists_[a-z]+(?:-security|-updates)?_InRelease$/.test(name),
    )
    .map((name) => join(APT_LISTS, name));
}

describe("verifyClearSigned against the real Debian archive", () => {
  test("verifies the host's real InRelease files with the real Debian keyring", async () => {
    const files = hostInReleaseFiles();
    if (files.length === 0) {
      throw new Error(
        `no *_InRelease files in ${APT_LISTS}: run apt-get update on this Debian host so the real archive metadata exists`,
      );
    }
    if (!existsSync(DEBIAN_KEYRING))
      throw new Error(`${DEBIAN_KEYRING} is missing: apt-get install debian-archive-keyring`);
    const keyring = await loadKeyring(DEBIAN_KEYRING);
    for (const file of files) {
      const text = await readFile(file, "utf8");
      const signed = await verifyClearSigned(text, keyring, file);
      const release = parseRelease(signed);
      // The file name says which dist it is: the verified text must agree.
      const dist = /_dists_([^_]+)_InRelease$/.exec(file)?.[1];
      expect(release.codename).toBe(dist);
      expect(release.sha256.size).toBeGreaterThan(0);
      // One changed byte in the signed part breaks every signature.
      const tampered = text.replace(
        /^(Date: .*)\d(\s)/m,
        (_, head: string, tail: string) => `${head}${head.endsWith("0") ? "1" : "0"}${tail}`,
      );
      expect(tampered).not.toBe(text);
      await expect(verifyClearSigned(tampered, keyring, file)).rejects.toThrow(
        /No valid signature from a trusted key/,
      );
    }
  });
});

describe("verifyClearSigned against the fixture archive", () => {
  let mirror: DebianMirrorFixture;
  let trusted: Keyring;
  let inRelease: string;
  beforeAll(async () => {
    mirror = await debianMirror();
    trusted = await loadKeyring(mirror.trustedKeyring);
    inRelease = await readFile(join(mirror.root, "dists", "trixie", "InRelease"), "utf8");
  });

  test("returns exactly the signed Release text", async () => {
    const signed = await verifyClearSigned(inRelease, trusted, "trixie InRelease");
    expect(signed.trimEnd()).toBe(
      (await readFile(join(mirror.root, "dists", "trixie", "Release"), "utf8")).trimEnd(),
    );
  });

  test("reads an ASCII-armoured keyring as well as a binary one", async () => {
    const armoured = await loadKeyring(mirror.trustedKeyringArmoured);
    await expect(verifyClearSigned(inRelease, armoured, "trixie InRelease")).resolves.toContain(
      "Codename: trixie",
    );
  });

  test("refuses a signature by a key outside the keyring", async () => {
    const stranger = await loadKeyring(mirror.untrustedKeyring);
    await expect(verifyClearSigned(inRelease, stranger, "trixie InRelease")).rejects.toThrow(
      SourceError,
    );
  });

  test("refuses text appended outside the signature from reaching the caller", async () => {
    const signed = await verifyClearSigned(
      `${inRelease}\nSHA256:\n ${"0".repeat(64)} 1 main/binary-amd64/Packages.xz\n`,
      trusted,
      "x",
    );
    expect(signed).not.toContain("0".repeat(64));
  });

  test("refuses unsigned text and names the file", async () => {
    await expect(
      verifyClearSigned("Codename: trixie\n", trusted, "http://mirror.invalid/InRelease"),
    ).rejects.toThrow(/http:\/\/mirror.invalid\/InRelease/);
  });

  test("a missing or empty keyring is a clear SourceError", async () => {
    await expect(loadKeyring(join(mirror.root, "no-such-keyring.gpg"))).rejects.toThrow(
      /Cannot read the keyring .*no-such-keyring.gpg \(ENOENT\)/,
    );
    await expect(loadKeyring(join(mirror.root, "dists", "trixie", "Release"))).rejects.toThrow(
      /holds no readable OpenPGP public keys/,
    );
  });
});
