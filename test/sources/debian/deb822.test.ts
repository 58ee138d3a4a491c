import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Deb822SyntaxError, parseDeb822 } from "../../../src/sources/debian/deb822.js";

describe("parseDeb822", () => {
  test("reads stanzas, case-insensitive fields and continuation lines", () => {
    const text = [
      "Package: qemu-user-static",
      "Version: 1:7.2+dfsg-7+deb12u18+b3",
      "Description: QEMU user mode emulation binaries (static version)",
      " QEMU is a fast processor emulator.",
      " .",
      " This package provides static builds.",
      "",
      "",
      "Package: qemu-user",
      "version: 1:7.2",
      "",
    ].join("\n");
    const stanzas = parseDeb822(text);
    expect(stanzas).toHaveLength(2);
    expect(stanzas[0]?.get("package")).toBe("qemu-user-static");
    expect(stanzas[0]?.get("Description")).toBe(
      "QEMU user mode emulation binaries (static version)\nQEMU is a fast processor emulator.\n.\nThis package provides static builds.",
    );
    expect(stanzas[1]?.get("Version")).toBe("1:7.2");
    expect(stanzas[1]?.names()).toEqual(["Package", "version"]);
  });

  test("keeps a multi-line field whose first line is empty (Release SHA256 lists)", () => {
    const [release] = parseDeb822(
      "Codename: bookworm\nSHA256:\n abc 12 main/binary-amd64/Packages\n def  3 main/binary-amd64/Packages.xz\n",
    );
    expect(release?.get("SHA256")).toBe(
      "abc 12 main/binary-amd64/Packages\ndef  3 main/binary-amd64/Packages.xz",
    );
  });

  test("skips comments only when asked (APT .sources files)", () => {
    const text =
      "# a comment\nTypes: deb\n# URIs: http://commented.invalid/\nURIs: http://mirror.invalid/debian\n";
    expect(parseDeb822(text, { allowComments: true })[0]?.get("URIs")).toBe(
      "http://mirror.invalid/debian",
    );
    expect(() => parseDeb822(text)).toThrow(Deb822SyntaxError);
  });

  test("reports the line of a malformed field or a stray continuation", () => {
    expect(() => parseDeb822("Package: a\nnot a field\n")).toThrow(/line 2/);
    expect(() => parseDeb822(" continuation first\n")).toThrow(/line 1: continuation line/);
    expect(() => parseDeb822("Package: a\n\n continuation after blank\n")).toThrow(/line 3/);
  });

  test("accepts CRLF line ends", () => {
    expect(parseDeb822("Package: a\r\nVersion: 1\r\n")[0]?.get("Version")).toBe("1");
  });

  test("never throws anything but Deb822SyntaxError on random input (property)", () => {
    const lines = fc.array(
      fc.oneof(fc.string(), fc.constantFrom("", " x", "A: b", "#c", ":", "B:", "\t y")),
      { maxLength: 20 },
    );
    fc.assert(
      fc.property(lines, fc.boolean(), (parts, comments) => {
        try {
          const stanzas = parseDeb822(parts.join("\n"), { allowComments: comments });
          for (const stanza of stanzas)
            for (const name of stanza.names()) expect(typeof stanza.get(name)).toBe("string");
        } catch (error) {
          expect(error).toBeInstanceOf(Deb822SyntaxError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
