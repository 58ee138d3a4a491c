// Properties of the fast JSON reader valid configs take instead of the YAML reader: generated JSON
// documents, with keys sometimes repeated (and sometimes written with other escapes), are read
// as JSON.parse reads them exactly when no object repeats a key, and refused otherwise, with
// the YAML reader (what reports duplicates with positions) as the second oracle.
import fc from "fast-check";
import { parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { hasDuplicateKeys, readPlainJson } from "../../src/config/plain-json.js";

const RUNS = 10_000;

/** A JSON value as written: objects keep their entries in order, repeats included. */
type Written =
  | { readonly kind: "scalar"; readonly text: string }
  | { readonly kind: "array"; readonly items: readonly Written[] }
  | { readonly kind: "object"; readonly entries: readonly (readonly [string, string, Written])[] };

// Keys from a small alphabet (so repeats happen often) with characters JSON must or may escape.
const keyText = fc
  .array(fc.constantFrom("a", "b", "é", '"', "\\", "/", "\n", "\u0001", "\u2028", "\u{1f600}"), {
    maxLength: 3,
  })
  .map((c) => c.join(""));

/** A key spelt plainly, or with every UTF-16 unit escaped as \uXXXX: both decode to the same string. */
const spelling = (key: string): fc.Arbitrary<string> =>
  fc.constantFrom(
    JSON.stringify(key),
    `"${Array.from({ length: key.length }, (_, i) => `\\u${key.charCodeAt(i).toString(16).padStart(4, "0")}`).join("")}"`,
  );

const scalar: fc.Arbitrary<Written> = fc
  .oneof(
    fc.constant("null"),
    fc.boolean().map(String),
    fc.integer().map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
    keyText.map((s) => JSON.stringify(s)),
    fc.constant('"{\\"a\\": 1, \\"a\\": 2}"'),
  )
  .map((text) => ({ kind: "scalar", text }));

const { value } = fc.letrec<{ value: Written }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 4 }).map((items): Written => ({ kind: "array", items })),
    fc
      .array(
        keyText.chain((key) => fc.tuple(fc.constant(key), spelling(key), tie("value"))),
        { maxLength: 4 },
      )
      .map((entries): Written => ({ kind: "object", entries })),
  ),
}));

const space = fc.constantFrom("", " ", "\n", "\t", "\r\n  ");

function write(node: Written, pad: string): string {
  if (node.kind === "scalar") return node.text;
  if (node.kind === "array")
    return `[${pad}${node.items.map((item) => write(item, pad)).join(`,${pad}`)}${pad}]`;
  return `{${pad}${node.entries.map(([, spelt, v]) => `${spelt}${pad}:${pad}${write(v, pad)}`).join(`,${pad}`)}${pad}}`;
}

function repeatsAKey(node: Written): boolean {
  if (node.kind === "scalar") return false;
  if (node.kind === "array") return node.items.some(repeatsAKey);
  const keys = node.entries.map(([key]) => key);
  return new Set(keys).size !== keys.length || node.entries.some(([, , v]) => repeatsAKey(v));
}

describe("the fast JSON reader", () => {
  it("finds a repeated key exactly when some object repeats one, however the keys are escaped", () => {
    fc.assert(
      fc.property(value, space, (node, pad) => {
        const text = write(node, pad);
        expect(hasDuplicateKeys(text)).toBe(repeatsAKey(node));
      }),
      { numRuns: RUNS },
    );
  });

  it("reads what JSON.parse reads when no key repeats, and agrees with the YAML reader's duplicate check", () => {
    fc.assert(
      fc.property(value, space, (node, pad) => {
        const text = write(node, pad);
        const read = readPlainJson(text);
        const yamlSeesDuplicate = parseDocument(text, {
          uniqueKeys: true,
          schema: "json",
        }).errors.some((e) => e.code === "DUPLICATE_KEY");
        expect(read === undefined).toBe(yamlSeesDuplicate);
        if (read !== undefined) expect(read.value).toEqual(JSON.parse(text));
      }),
      { numRuns: RUNS },
    );
  });

  it("refuses text JSON.parse refuses", () => {
    for (const text of ["", "{", '{"a": 1,}', "// c\n{}", "{'a': 1}", '{"a": 1} x'])
      expect(readPlainJson(text)).toBeUndefined();
  });
});
