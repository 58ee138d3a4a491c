// UTF-16 and UTF-32 config files are recognised by their byte order mark or their NUL bytes, and
// nothing else is: UTF-8 text, binary data and a NUL byte later in a file are left to the parser.
import { describe, expect, test } from "vitest";
import { detectWrongEncoding } from "../../src/config/encoding.js";

const TEXT = "targets: [aarch64]\n";

function encode(
  text: string,
  encoding: "utf16le" | "utf16be" | "utf32le" | "utf32be",
  bom: boolean,
): Uint8Array {
  const units = [...(bom ? "\uFEFF" : ""), ...text].map((c) => c.codePointAt(0)!);
  const width = encoding.startsWith("utf16") ? 2 : 4;
  const bytes = Buffer.alloc(units.length * width);
  units.forEach((unit, i) => {
    if (width === 2)
      encoding === "utf16le" ? bytes.writeUInt16LE(unit, i * 2) : bytes.writeUInt16BE(unit, i * 2);
    else
      encoding === "utf32le" ? bytes.writeUInt32LE(unit, i * 4) : bytes.writeUInt32BE(unit, i * 4);
  });
  return bytes;
}

describe("detectWrongEncoding", () => {
  test.each([
    ["utf16le", "UTF-16LE", "a byte order mark FF FE"],
    ["utf16be", "UTF-16BE", "a byte order mark FE FF"],
    ["utf32le", "UTF-32LE", "a byte order mark FF FE 00 00"],
    ["utf32be", "UTF-32BE", "a byte order mark 00 00 FE FF"],
  ] as const)("%s with a byte order mark", (encoding, name, evidence) => {
    expect(detectWrongEncoding(encode(TEXT, encoding, true))).toEqual({ name, evidence });
  });

  test.each([
    ["utf16le", "UTF-16LE"],
    ["utf16be", "UTF-16BE"],
    ["utf32le", "UTF-32LE"],
    ["utf32be", "UTF-32BE"],
  ] as const)("%s without a byte order mark, by its NUL bytes", (encoding, name) => {
    expect(detectWrongEncoding(encode(TEXT, encoding, false))).toEqual({
      name,
      evidence: "NUL bytes between the characters",
    });
  });

  test("UTF-8 (with or without its mark), a NUL byte later on, gzip data and short files are not flagged", () => {
    expect(detectWrongEncoding(Buffer.from(TEXT))).toBeUndefined();
    expect(detectWrongEncoding(Buffer.from(`\uFEFF${TEXT}`))).toBeUndefined();
    expect(detectWrongEncoding(Buffer.from("targets: [aarch64]\n\0source: {}"))).toBeUndefined();
    expect(detectWrongEncoding(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00]))).toBeUndefined();
    expect(detectWrongEncoding(Buffer.from("a\0"))).toBeUndefined();
    expect(detectWrongEncoding(new Uint8Array(0))).toBeUndefined();
  });
});
