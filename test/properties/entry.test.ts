// Properties of the binfmt_misc entry parser. What the kernel prints for any registration qus can
// make reads back as that registration (encoder -> kernel model -> parser); anything else either
// parses into an entry that prints back to the same text, or is refused with a KernelError.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KernelError } from "../../src/errors.js";
import { MAX_MATCH_END, parseEntry } from "../../src/kernel/entry.js";
import { encodeRegisterLine } from "../../src/kernel/register-line.js";
import type { LiveEntry } from "../../src/plan/types.js";
import { registerRequest } from "../kernel/arbitraries.js";
import { modelPrint, modelRegister, type ModelEntry } from "../kernel/kernel-model.js";

const RUNS = 10_000;

/** Parses, turning only KernelErrors into undefined: any other throw fails the property. */
function parseOrRefuse(text: string): LiveEntry | undefined {
  try {
    return parseEntry("qemu-test", text);
  } catch (error) {
    expect(error).toBeInstanceOf(KernelError);
    expect((error as KernelError).message).toMatch(
      /^Unexpected binfmt_misc entry format in qemu-test: at (line \d+ |the end of the text)/,
    );
    return undefined;
  }
}

/** The kernel model's view of a parsed entry, to print it again. */
function asModel(entry: LiveEntry): ModelEntry {
  const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, "hex"));
  return {
    name: entry.name,
    type: entry.type,
    offset: entry.offset,
    magic: bytes(entry.magic),
    mask: entry.mask === null ? null : bytes(entry.mask),
    extension: entry.extension ?? "",
    interpreter: entry.interpreter,
    flags: new Set(entry.flags),
  };
}

function expectWellFormed(entry: LiveEntry): void {
  expect(entry.flags).toMatch(/^P?O?C?F?$/);
  expect(entry.interpreter.length).toBeGreaterThan(0);
  if (entry.type === "M") {
    expect(entry.magic).toMatch(/^(?:[0-9a-f]{2})+$/);
    if (entry.mask !== null) expect(entry.mask.length).toBe(entry.magic.length);
    expect(entry.offset + entry.magic.length / 2).toBeLessThanOrEqual(MAX_MATCH_END);
  }
}

// Lines that look like an entry's, with the parts that vary drawn from characters that matter.
const word = fc.stringMatching(/^[0-9a-fA-F POCFx./-]{0,10}$/);
const line = fc.oneof(
  fc.constantFrom(
    "enabled",
    "disabled",
    "enable",
    "flags: ",
    "flags: POCF",
    "flags: FP",
    "offset 0",
    "offset -1",
    "offset 01",
    "mask ",
    "magic ",
    "extension .",
    "extension .a/b",
  ),
  word.map((w) => `interpreter ${w}`),
  word.map((w) => `flags: ${w}`),
  word.map((w) => `offset ${w}`),
  word.map((w) => `magic ${w}`),
  word.map((w) => `mask ${w}`),
  word.map((w) => `extension .${w}`),
  fc.nat({ max: 400 }).map((n) => `offset ${n}`),
  fc
    .uint8Array({ minLength: 0, maxLength: 200 })
    .map((b) => `magic ${Buffer.from(b).toString("hex")}`),
  fc
    .uint8Array({ minLength: 0, maxLength: 200 })
    .map((b) => `mask ${Buffer.from(b).toString("hex")}`),
  word,
);
// Mostly the kernel's layout (so that many parse), with any line possibly replaced or dropped.
const usually = (valid: fc.Arbitrary<string>) =>
  fc.oneof(
    { arbitrary: valid, weight: 6 },
    { arbitrary: line, weight: 1 },
    { arbitrary: fc.constant(""), weight: 1 },
  );
const hexLine = (prefix: string) =>
  fc
    .integer({ min: 1, max: 140 })
    .chain((n) =>
      fc
        .uint8Array({ minLength: n, maxLength: n })
        .map((b) => `${prefix} ${Buffer.from(b).toString("hex")}`),
    );
const laidOut = fc
  .tuple(
    usually(word.filter((w) => w !== "").map((w) => `interpreter /${w}`)),
    usually(fc.subarray(["P", "O", "C", "F"]).map((f) => `flags: ${f.join("")}`)),
    fc.oneof(
      fc.tuple(
        usually(fc.nat({ max: 130 }).map((n) => `offset ${n}`)),
        usually(hexLine("magic")),
        fc.option(usually(hexLine("mask")), { nil: undefined }),
      ),
      fc.tuple(usually(word.map((w) => `extension .${w}`))),
    ),
  )
  .map(([interpreter, flags, rest]) =>
    [interpreter, flags, ...rest.filter((l): l is string => l !== undefined)].filter(
      (l) => l !== "",
    ),
  );
const entryLikeText = fc
  .tuple(
    fc.constantFrom("enabled", "disabled"),
    fc.oneof(laidOut, fc.array(line, { maxLength: 8 })),
    fc.boolean(),
  )
  .map(([status, rest, newline]) => [status, ...rest].join("\n") + (newline ? "\n" : ""));

describe("parseEntry (10,000 generated cases per property)", () => {
  it("reads what the kernel prints for any registration qus encodes as that registration", () => {
    fc.assert(
      fc.property(
        registerRequest("/usr/bin/qemu-test-static"),
        fc.boolean(),
        (request, enabled) => {
          const printed = modelPrint(modelRegister(encodeRegisterLine(request)), enabled);
          const flags = new Set(request.flags);
          if (flags.has("C")) flags.add("O");
          expect(parseEntry(request.name, printed)).toEqual({
            name: request.name,
            enabled,
            type: "M",
            interpreter: request.interpreter,
            flags: [..."POCF"].filter((f) => flags.has(f)).join(""),
            offset: request.offset,
            magic: request.magic.toLowerCase(),
            mask: request.mask?.toLowerCase() ?? null,
          });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("on entry-like text: refuses with a KernelError, or yields a well-formed entry that prints back to the same text", () => {
    let parsed = 0;
    fc.assert(
      fc.property(entryLikeText, (text) => {
        const entry = parseOrRefuse(text);
        if (entry === undefined) return;
        parsed += 1;
        expectWellFormed(entry);
        expect(modelPrint(asModel(entry), entry.enabled)).toBe(
          text.endsWith("\n") ? text : `${text}\n`,
        );
      }),
      { numRuns: RUNS },
    );
    // Not vacuous: the generator reaches texts that parse.
    expect(parsed).toBeGreaterThan(RUNS / 200);
  });

  it("on arbitrary text (any UTF-16, including lone surrogates and NULs): a KernelError or a well-formed entry", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => {
        const entry = parseOrRefuse(text);
        if (entry !== undefined) expectWellFormed(entry);
      }),
      { numRuns: RUNS },
    );
  });

  it("on single-byte damage to a printed entry: a KernelError or a well-formed entry", () => {
    const damaged = fc
      .tuple(
        registerRequest("/usr/bin/qemu-test-static"),
        fc.nat(),
        fc.integer({ min: 0, max: 127 }),
        fc.constantFrom("replace", "delete", "insert"),
      )
      .map(([request, at, code, how]) => {
        const text = modelPrint(modelRegister(encodeRegisterLine(request)));
        const i = at % text.length;
        const c = String.fromCharCode(code);
        return how === "replace"
          ? text.slice(0, i) + c + text.slice(i + 1)
          : how === "delete"
            ? text.slice(0, i) + text.slice(i + 1)
            : text.slice(0, i) + c + text.slice(i);
      });
    fc.assert(
      fc.property(damaged, (text) => {
        const entry = parseOrRefuse(text);
        if (entry !== undefined) expectWellFormed(entry);
      }),
      { numRuns: RUNS },
    );
  });

  it("refuses an offset and magic that end past the bytes the kernel reads, and huge offsets", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999_999 }),
        fc.integer({ min: 1, max: 64 }),
        (offset, length) => {
          const text = `enabled\ninterpreter /q\nflags: F\noffset ${offset}\nmagic ${"ab".repeat(length)}\n`;
          const entry = parseOrRefuse(text);
          expect(entry !== undefined).toBe(offset + length <= MAX_MATCH_END);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
