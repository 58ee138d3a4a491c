// How user data is quoted in messages: visible escapes for everything a terminal would obey,
// and long values cut, so a hostile config can neither drive the terminal nor flood it.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  escapeControlCharacters,
  MAX_QUOTED_LENGTH,
  quote,
  shorten,
} from "../../src/config/quote.js";

// What terminals act on: C0 controls, DEL and C1 controls.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

describe("quote", () => {
  test("escape sequences, bell, NUL and C1 controls are shown as \\u escapes", () => {
    expect(quote("\u001b]0;pwned\u0007\u001b[2J")).toBe('"\\u001b]0;pwned\\u0007\\u001b[2J"');
    expect(quote("a\u0000b")).toBe('"a\\u0000b"');
    expect(quote("\u009b31m\u007f")).toBe('"\\u009b31m\\u007f"');
  });

  test("line breaks and quotes are visible; ordinary text, other scripts and emoji are kept", () => {
    expect(quote('qemu\n-1 "x"\t')).toBe('"qemu\\n-1 \\"x\\"\\t"');
    expect(quote("café аarch64 日本 😀")).toBe('"café аarch64 日本 😀"');
  });

  test("bidirectional overrides and Unicode line separators cannot disguise a value", () => {
    expect(quote("abc\u202edcba\u2066\u2028")).toBe('"abc\\u202edcba\\u2066\\u2028"');
  });

  test("a value longer than the limit is cut and ends with …", () => {
    const shown = quote("a".repeat(100_000));
    expect(shown).toBe(`"${"a".repeat(MAX_QUOTED_LENGTH)}…"`);
  });

  test("never splits a surrogate pair when cutting", () => {
    const value = `${"a".repeat(MAX_QUOTED_LENGTH - 1)}😀tail`;
    expect(shorten(value)).toBe(`${"a".repeat(MAX_QUOTED_LENGTH - 1)}…`);
  });

  test("any string: one line, no control character, bounded length", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (value) => {
        const shown = quote(value);
        expect(shown).not.toMatch(CONTROL);
        // Worst case: every kept character is a 6-character escape, plus quotes and "…".
        expect(shown.length).toBeLessThanOrEqual(MAX_QUOTED_LENGTH * 6 + 3);
        expect(shown.startsWith('"') && shown.endsWith('"')).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  test("values within the limit read back exactly with JSON.parse, whatever they hold", () => {
    fc.assert(
      // Binary units are up to 2 UTF-16 code units each: 40 of them stay within the limit.
      fc.property(fc.string({ unit: "binary", maxLength: MAX_QUOTED_LENGTH / 2 }), (value) => {
        expect(JSON.parse(quote(value))).toBe(value);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("escapeControlCharacters", () => {
  test("by default the result is one line", () => {
    expect(escapeControlCharacters("a\nb\tc\rd\u001b")).toBe("a\\u000ab\\u0009c\\u000dd\\u001b");
  });

  test("keepNewlines keeps tab and line feed for multi-line output, nothing else", () => {
    expect(escapeControlCharacters("a\nb\tc\rd\u001b\u0085", { keepNewlines: true })).toBe(
      "a\nb\tc\\u000dd\\u001b\\u0085",
    );
  });

  test("text without control characters is unchanged", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 100 }), (text) => {
        fc.pre(!CONTROL.test(text));
        expect(escapeControlCharacters(text)).toBe(text);
      }),
      { numRuns: 1_000 },
    );
  });
});
