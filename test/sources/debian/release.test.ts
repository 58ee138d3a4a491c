import { describe, expect, test } from "vitest";
import {
  parseRelease,
  parseReleaseDate,
  ReleaseFormatError,
} from "../../../src/sources/debian/release.js";

const RELEASE = `Origin: Debian
Label: Debian-Security
Suite: oldstable-security
Codename: bookworm-security
Date: Sat, 21 Nov 2026 00:53:02 UTC
Valid-Until: Sat, 28 Nov 2026 00:53:02 UTC
Acquire-By-Hash: yes
Architectures: amd64 arm64 armhf i386 ppc64el
Components: updates/main updates/contrib
MD5Sum:
 0123456789abcdef0123456789abcdef  2523192 main/binary-amd64/Packages
SHA256:
 eb517821ea447f4a108a390e79b9b3c9115289ca8c142d0a38ffddef38ccefcc  2523192 main/binary-amd64/Packages
 8575ec1f224d635ce30646a2a1388bee267a7f37fae3f997687643c9ebb8fb43   378100 main/binary-amd64/Packages.xz
`;

describe("parseRelease", () => {
  test("reads suite, dates, by-hash support, architectures and the SHA256 list", () => {
    const release = parseRelease(RELEASE);
    expect(release.codename).toBe("bookworm-security");
    expect(release.suite).toBe("oldstable-security");
    expect(release.date?.toISOString()).toBe("2026-11-21T00:53:02.000Z");
    expect(release.validUntil?.toISOString()).toBe("2026-11-28T00:53:02.000Z");
    expect(release.acquireByHash).toBe(true);
    expect(release.architectures).toEqual(["amd64", "arm64", "armhf", "i386", "ppc64el"]);
    expect(release.components).toEqual(["updates/main", "updates/contrib"]);
    expect(release.sha256.get("main/binary-amd64/Packages.xz")).toEqual({
      sha256: "8575ec1f224d635ce30646a2a1388bee267a7f37fae3f997687643c9ebb8fb43",
      size: 378100,
    });
    expect(release.sha256.size).toBe(2);
  });

  test("refuses a Release without SHA256 (MD5 alone is not trusted)", () => {
    expect(() =>
      parseRelease("Codename: x\nMD5Sum:\n 0123456789abcdef0123456789abcdef 1 a\n"),
    ).toThrow(/no SHA256/);
  });

  test("refuses malformed digest lines and unreadable dates instead of ignoring them", () => {
    expect(() => parseRelease("SHA256:\n nothex 12 main/x\n")).toThrow(ReleaseFormatError);
    expect(() => parseRelease(`Valid-Until: someday\nSHA256:\n ${"a".repeat(64)} 1 x\n`)).toThrow(
      /Valid-Until/,
    );
  });
});

describe("parseReleaseDate", () => {
  test("reads RFC 2822 dates with UTC and numeric zones", () => {
    expect(parseReleaseDate("Sat, 11 Jul 2026 10:16:37 UTC")?.toISOString()).toBe(
      "2026-07-11T10:16:37.000Z",
    );
    expect(parseReleaseDate("11 Jul 2026 12:16:37 +0200")?.toISOString()).toBe(
      "2026-07-11T10:16:37.000Z",
    );
    expect(parseReleaseDate("Sat, 11 Jul 2026 05:16:37 -0500")?.toISOString()).toBe(
      "2026-07-11T10:16:37.000Z",
    );
  });

  test("returns undefined for anything else", () => {
    expect(parseReleaseDate("2026-07-11T10:16:37Z")).toBeUndefined();
    expect(parseReleaseDate("Sat, 11 Foo 2026 10:16:37 UTC")).toBeUndefined();
    expect(parseReleaseDate("")).toBeUndefined();
  });
});
