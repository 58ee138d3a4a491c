// Builds the line written to binfmt_misc's `register` file, refusing anything the kernel would
// reject (or, worse, misread) with a message that names the entry and the field at fault.
import { KernelError } from "../errors.js";
import { normaliseFlags } from "../catalog/flags.js";
import { entryNameProblem } from "./entry-name.js";

/** Offset plus magic length must fit in the first 128 bytes (older kernels read no more). */
export const MAX_PATTERN_END = 128;

/** The kernel accepts register writes of 11 to 1920 bytes. */
export const MIN_REGISTER_LINE_BYTES = 11;
export const MAX_REGISTER_LINE_BYTES = 1920;

/** A magic-type (M) registration: magic and mask are hex, mask null meaning all ff. */
export interface RegisterRequest {
  readonly name: string;
  readonly offset: number;
  readonly magic: string;
  readonly mask: string | null;
  readonly interpreter: string;
  readonly flags: string;
}

const HEX_PATTERN = /^(?:[0-9a-fA-F]{2})+$/;

/** Encodes `:name:M:offset:\xHH..:\xHH..:interpreter:flags`, validating every field first. */
export function encodeRegisterLine(request: RegisterRequest): string {
  const { name, offset, magic, mask, interpreter, flags } = request;
  const fail = (problem: string, hint?: string): never => {
    throw new KernelError(
      `Cannot register binfmt_misc entry ${JSON.stringify(name)}: ${problem}.`,
      "register",
      "EINVAL",
      {
        hint:
          hint ?? "The kernel would reject this registration; fix the value in the configuration.",
      },
    );
  };

  const nameProblem = entryNameProblem(name);
  if (nameProblem !== null)
    fail(nameProblem, "Entry names are the prefix plus the target; check the configured prefix.");

  if (!interpreter.startsWith("/"))
    fail(`the interpreter ${JSON.stringify(interpreter)} is not an absolute path`);
  const badCharacter = [":", "\n", "\0"].find((character) => interpreter.includes(character));
  if (badCharacter !== undefined) {
    const what =
      badCharacter === ":"
        ? '":", the register line\'s field delimiter'
        : badCharacter === "\n"
          ? "a newline"
          : "a NUL byte";
    fail(`the interpreter path ${JSON.stringify(interpreter)} contains ${what}`);
  }

  if (!HEX_PATTERN.test(magic)) fail("the magic must be a non-empty string of hex bytes");
  if (mask !== null) {
    if (!HEX_PATTERN.test(mask)) fail("the mask must be a string of hex bytes");
    if (mask.length !== magic.length) {
      fail(
        `the mask is ${mask.length / 2} bytes long but the magic is ${magic.length / 2}; they must be equal`,
      );
    }
  }
  if (!Number.isSafeInteger(offset) || offset < 0)
    fail(`the offset ${offset} is not a non-negative integer`);
  if (offset + magic.length / 2 > MAX_PATTERN_END) {
    fail(
      `offset ${offset} plus ${magic.length / 2} magic bytes goes past the first ${MAX_PATTERN_END} bytes of the file`,
    );
  }

  if (!/^[POCF]*$/.test(flags))
    fail(`the flags ${JSON.stringify(flags)} may only contain P, O, C and F`);

  const maskField = mask === null ? "" : escapeHex(mask);
  const line = `:${name}:M:${offset}:${escapeHex(magic)}:${maskField}:${interpreter}:${normaliseFlags(flags)}`;
  const bytes = Buffer.byteLength(line);
  if (bytes < MIN_REGISTER_LINE_BYTES || bytes > MAX_REGISTER_LINE_BYTES) {
    fail(
      `the register line is ${bytes} bytes; the kernel accepts ${MIN_REGISTER_LINE_BYTES} to ${MAX_REGISTER_LINE_BYTES}`,
    );
  }
  return line;
}

/** Spells hex bytes as the kernel's `\xHH` escapes (the only escape it decodes). */
function escapeHex(hex: string): string {
  return hex.toLowerCase().replace(/../g, (byte) => `\\x${byte}`);
}
