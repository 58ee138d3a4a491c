// Reads what the kernel prints for one binfmt_misc entry (fs/binfmt_misc.c, bm_entry_read):
//
//   enabled | disabled
//   interpreter /path
//   flags: POCF            (a subset, always in this order; "flags: " when empty)
//   offset 0               \
//   magic 7f454c46...       > M entries ("mask" only when one was registered)
//   mask ffffffff...       /
//   extension .ext         (E entries, instead of offset/magic/mask)
//
// Pure and strict: anything else is reported as a KernelError naming the line, never a crash.
import { KernelError } from "../errors.js";
import type { LiveEntry } from "../plan/types.js";

/** Bytes of a file the kernel can match against (BINPRM_BUF_SIZE since Linux 5.1). */
export const MAX_MATCH_END = 256;

const FLAGS_PATTERN = /^P?O?C?F?$/;
const HEX_PATTERN = /^(?:[0-9a-f]{2})+$/;
const OFFSET_PATTERN = /^(?:0|[1-9][0-9]{0,5})$/;

/** Parses an entry file's text; `where` (default: the name) is the path shown in errors. */
export function parseEntry(name: string, text: string, where: string = name): LiveEntry {
  const lines = (text.endsWith("\n") ? text.slice(0, -1) : text).split("\n");
  let index = 0;

  const fail = (problem: string): never => {
    const shown =
      index < lines.length
        ? `line ${index + 1} ${JSON.stringify(lines[index])}`
        : "the end of the text";
    throw new KernelError(
      `Unexpected binfmt_misc entry format in ${where}: at ${shown}, ${problem}.`,
      where,
      undefined,
      {
        hint: "qus reads the format of Linux's fs/binfmt_misc.c; please report this with the file's content.",
      },
    );
  };
  const take = (prefix: string, expected: string): string => {
    const line = lines[index];
    if (line === undefined || !line.startsWith(prefix)) return fail(`expected ${expected}`);
    index += 1;
    return line.slice(prefix.length);
  };

  const status = lines[index];
  if (status !== "enabled" && status !== "disabled")
    return fail('expected "enabled" or "disabled"');
  index += 1;

  // The kernel lets an interpreter path contain newlines; it then runs up to the flags line.
  const interpreterStart = index;
  let interpreter = take("interpreter ", '"interpreter <path>"');
  const flagsIndex = lines.findIndex((line, i) => i >= index && line.startsWith("flags: "));
  if (flagsIndex === -1) return fail('expected "flags: <POCF subset>"');
  interpreter = [interpreter, ...lines.slice(index, flagsIndex)].join("\n");
  index = flagsIndex;
  if (interpreter.length === 0) {
    index = interpreterStart;
    return fail("the interpreter is empty");
  }

  const flags = take("flags: ", '"flags: <POCF subset>"');
  if (!FLAGS_PATTERN.test(flags)) {
    index -= 1;
    return fail("flags must be a subset of P, O, C, F in that order");
  }

  const common = { name, enabled: status === "enabled", interpreter, flags };
  let entry: LiveEntry;
  if (lines[index]?.startsWith("extension ")) {
    const extension = take("extension .", '"extension .<ext>"');
    if (extension.length === 0 || extension.includes("/")) {
      index -= 1;
      return fail("the extension must be non-empty and contain no /");
    }
    entry = { ...common, type: "E", offset: 0, magic: "", mask: null, extension };
  } else {
    const offsetText = take("offset ", '"offset <decimal>" or "extension .<ext>"');
    if (!OFFSET_PATTERN.test(offsetText)) {
      index -= 1;
      return fail("the offset must be a non-negative decimal number");
    }
    const offset = Number(offsetText);
    const magic = take("magic ", '"magic <hex>"');
    if (!HEX_PATTERN.test(magic)) {
      index -= 1;
      return fail("the magic must be non-empty lowercase hex bytes");
    }
    if (offset + magic.length / 2 > MAX_MATCH_END) {
      index -= 1;
      return fail(
        `offset ${offset} plus ${magic.length / 2} magic bytes exceeds the ${MAX_MATCH_END} bytes the kernel reads`,
      );
    }
    let mask: string | null = null;
    if (index < lines.length) {
      mask = take("mask ", '"mask <hex>" or the end of the entry');
      if (!HEX_PATTERN.test(mask) || mask.length !== magic.length) {
        index -= 1;
        return fail(
          `the mask must be lowercase hex bytes, as long as the magic (${magic.length / 2} bytes)`,
        );
      }
    }
    entry = { ...common, type: "M", offset, magic, mask };
  }
  if (index < lines.length) return fail("expected the end of the entry");
  return entry;
}
