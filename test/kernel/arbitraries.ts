// fast-check generators for valid magic (M) registrations, as qus's encoder must accept them.
import fc from "fast-check";
import type { RegisterRequest } from "../../src/kernel/register-line.js";

// Allowed in names: anything but "/", ":", white space and control characters; include
// punctuation and multi-byte characters so byte counting and printing are exercised.
const NAME_CHARS = [
  ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.+@~#%=,",
  "é",
  "ü",
  "日",
  "ß",
];
// Interpreter paths may contain spaces and any character except ":", newline and NUL.
const PATH_CHARS = [..."abcdefghijklmnopqrstuvwxyz0123456789-_.+ ", "é", "日"];

const hexBytes = (length: number): fc.Arbitrary<string> =>
  fc
    .uint8Array({ minLength: length, maxLength: length })
    .chain((bytes) =>
      fc
        .boolean()
        .map((upper) =>
          upper
            ? Buffer.from(bytes).toString("hex").toUpperCase()
            : Buffer.from(bytes).toString("hex"),
        ),
    );

/** A valid entry name. */
export const entryName = fc
  .array(fc.constantFrom(...NAME_CHARS), { minLength: 1, maxLength: 40 })
  .map((chars) => chars.join(""))
  .filter((name) => name !== "." && name !== ".." && name !== "register" && name !== "status");

/** Flags in any order, possibly repeated: the encoder normalises them. */
export const flagString = fc
  .array(fc.constantFrom("P", "O", "C", "F"), { maxLength: 6 })
  .map((flags) => flags.join(""));

/** An absolute path made of allowed characters. */
export const interpreterPath = fc
  .array(
    fc
      .array(fc.constantFrom(...PATH_CHARS), { minLength: 1, maxLength: 12 })
      .map((c) => c.join("")),
    { minLength: 1, maxLength: 5 },
  )
  .map((segments) => `/${segments.join("/")}`);

/**
 * A valid registration. With F the kernel opens the interpreter at registration, so F requests use
 * `existingInterpreter` (a file that exists) instead of a random path.
 */
export function registerRequest(existingInterpreter: string): fc.Arbitrary<RegisterRequest> {
  return fc
    .record({
      name: entryName,
      flags: flagString,
      randomInterpreter: interpreterPath,
      offset: fc.integer({ min: 0, max: 127 }),
      withMask: fc.boolean(),
    })
    .chain(({ name, flags, randomInterpreter, offset, withMask }) =>
      fc.integer({ min: 1, max: 128 - offset }).chain((length) =>
        fc.record({
          name: fc.constant(name),
          flags: fc.constant(flags),
          interpreter: fc.constant(flags.includes("F") ? existingInterpreter : randomInterpreter),
          offset: fc.constant(offset),
          magic: hexBytes(length),
          mask: withMask ? hexBytes(length) : fc.constant(null),
        }),
      ),
    );
}
