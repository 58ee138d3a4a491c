// Properties of the deb822 parser (Release, Packages and APT *.sources files). Generated stanzas,
// written out the way Debian writes them, parse back to the same fields; any text either fails with
// a Deb822SyntaxError naming a line that exists, or parses to stanzas that survive being written
// and parsed again unchanged.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Deb822Stanza,
  Deb822SyntaxError,
  parseDeb822,
} from "../../src/sources/debian/deb822.js";

const RUNS = 10_000;

type Fields = readonly (readonly [string, string])[];

/**
 * Writes stanzas as deb822: continuation lines start with one space, stanzas end with a blank line.
 * A value whose first line the parser would trim starts on a continuation line instead
 * (`Field:` then ` value`), which the parser reads back without a leading newline.
 */
function serialise(stanzas: readonly Fields[]): string {
  const field = ([name, value]: readonly [string, string]): string => {
    const lines = value.split("\n");
    const first = lines[0]!;
    const keepsFirstLine =
      first.replace(/^[ \t]+/, "").trimEnd() === first && (first !== "" || lines.length === 1);
    return keepsFirstLine ? `${name}: ${lines.join("\n ")}\n` : `${name}:\n ${lines.join("\n ")}\n`;
  };
  return stanzas.map((fields) => fields.map(field).join("")).join("\n");
}

function fieldsOf(stanza: Deb822Stanza): Fields {
  return stanza.names().map((name) => [name, stanza.get(name)!] as const);
}

// Field names: printable ASCII except ":" and space, not starting with "#" or "-" (what APT accepts).
const fieldName = fc.stringMatching(/^[A-Za-z0-9][!-9;-~]{0,15}$/);
// Value text: printable ASCII, Latin-1, other scripts and Unicode's own line separators (which are
// not line breaks in deb822: only "\n" is).
const VALUE_CHARS = [
  ..."abcXYZ019 .,:;/+~-_=#\t",
  "é",
  "ß",
  "日本",
  "\u00a0",
  "\u0085",
  "\u2028",
  "\u2029",
  "\u{1f600}",
];
const valueText = (minLength: number) =>
  fc.array(fc.constantFrom(...VALUE_CHARS), { minLength, maxLength: 20 }).map((c) => c.join(""));
// A first line as the parser keeps it: no leading or trailing white space.
const firstLine = valueText(0).map((s) => s.replace(/^[ \t]+/, "").trimEnd());
// A continuation line must hold something other than white space (Debian writes " ." for a blank).
const continuation = valueText(1).filter((s) => s.trim() !== "");
const fieldValue = fc
  .tuple(firstLine, fc.array(continuation, { maxLength: 4 }))
  .filter(([first, rest]) => first !== "" || rest.length === 0)
  .map(([first, rest]) => [first, ...rest].join("\n"));
const stanza: fc.Arbitrary<Fields> = fc.uniqueArray(fc.tuple(fieldName, fieldValue), {
  minLength: 1,
  maxLength: 6,
  selector: ([name]) => name.toLowerCase(),
});

// Text made of deb822-like lines, with the damage real files suffer.
const looseLine = fc.oneof(
  fc.tuple(fieldName, valueText(0)).map(([n, v]) => `${n}: ${v}`),
  fc.tuple(fieldName, valueText(0)).map(([n, v]) => `${n}:${v}`),
  valueText(0).map((v) => ` ${v}`),
  valueText(0).map((v) => `\t${v}`),
  fc.constantFrom(
    "",
    " ",
    "\t",
    "\r",
    " .",
    "#comment",
    ":",
    "Field",
    "Field :x",
    "-----BEGIN PGP SIGNED MESSAGE-----",
  ),
  fc.string({ unit: "binary", maxLength: 20 }),
);
const looseText = fc
  .tuple(fc.array(looseLine, { maxLength: 12 }), fc.constantFrom("\n", "\r\n"))
  .map(([lines, eol]) => lines.join(eol));

function parseOrRefuse(text: string, allowComments: boolean): Deb822Stanza[] | undefined {
  try {
    return parseDeb822(text, { allowComments });
  } catch (error) {
    expect(error).toBeInstanceOf(Deb822SyntaxError);
    const line = (error as Deb822SyntaxError).line;
    expect(line).toBeGreaterThanOrEqual(1);
    expect(line).toBeLessThanOrEqual(text.split("\n").length);
    return undefined;
  }
}

describe("parseDeb822 (10,000 generated cases per property)", () => {
  it("parses written stanzas back to the same fields, values and order", () => {
    fc.assert(
      fc.property(fc.array(stanza, { minLength: 1, maxLength: 4 }), (stanzas) => {
        expect(parseDeb822(serialise(stanzas)).map(fieldsOf)).toEqual(stanzas);
      }),
      { numRuns: RUNS },
    );
  });

  it("finds fields whatever the case of the name asked for", () => {
    fc.assert(
      fc.property(stanza, (fields) => {
        const [parsed] = parseDeb822(serialise([fields]));
        for (const [name, value] of fields) {
          expect(parsed!.get(name.toUpperCase())).toBe(value);
          expect(parsed!.get(name.toLowerCase())).toBe(value);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("on damaged text: a Deb822SyntaxError at a line that exists, or stanzas that write and parse back unchanged", () => {
    let parsed = 0;
    fc.assert(
      fc.property(looseText, fc.boolean(), (text, allowComments) => {
        const stanzas = parseOrRefuse(text, allowComments);
        if (stanzas === undefined) return;
        parsed += 1;
        const fields = stanzas.map(fieldsOf);
        for (const f of fields) expect(f.length).toBeGreaterThan(0);
        expect(parseDeb822(serialise(fields)).map(fieldsOf)).toEqual(fields);
      }),
      { numRuns: RUNS },
    );
    expect(parsed).toBeGreaterThan(RUNS / 100);
  });

  it("never throws anything but Deb822SyntaxError on arbitrary text", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 200 }),
        fc.boolean(),
        (text, allowComments) => {
          parseOrRefuse(text, allowComments);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
