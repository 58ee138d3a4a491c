import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KernelError } from "../../src/errors.js";
import { parseEntry } from "../../src/kernel/entry.js";
import { encodeRegisterLine, type RegisterRequest } from "../../src/kernel/register-line.js";
import { registerRequest } from "./arbitraries.js";
import { modelPrint, modelRegister } from "./kernel-model.js";

const base: RegisterRequest = {
  name: "qemu-x",
  offset: 0,
  magic: "7f454c46",
  mask: "ffffff00",
  interpreter: "/usr/libexec/qemu-x",
  flags: "PF",
};

function encodeError(overrides: Partial<RegisterRequest>): KernelError {
  try {
    encodeRegisterLine({ ...base, ...overrides });
  } catch (error) {
    expect(error).toBeInstanceOf(KernelError);
    return error as KernelError;
  }
  throw new Error(`expected ${JSON.stringify(overrides)} to be refused`);
}

describe("encodeRegisterLine", () => {
  it("writes magic and mask as \\x escapes, fields in the kernel's order", () => {
    expect(encodeRegisterLine(base)).toBe(
      ":qemu-x:M:0:\\x7f\\x45\\x4c\\x46:\\xff\\xff\\xff\\x00:/usr/libexec/qemu-x:PF",
    );
  });

  it("leaves the mask field empty when there is no mask, and lowercases hex", () => {
    expect(encodeRegisterLine({ ...base, magic: "0A0b", mask: null, offset: 4, flags: "" })).toBe(
      ":qemu-x:M:4:\\x0a\\x0b::/usr/libexec/qemu-x:",
    );
  });

  it("normalises flags as a set in P, O, C, F order, with C implying O", () => {
    expect(encodeRegisterLine({ ...base, flags: "FC" }).endsWith(":OCF")).toBe(true);
    expect(encodeRegisterLine({ ...base, flags: "FPOP" }).endsWith(":POF")).toBe(true);
  });

  it("accepts a pattern that ends exactly at byte 128", () => {
    expect(encodeRegisterLine({ ...base, offset: 127, magic: "01", mask: null })).toContain(
      ":127:\\x01::",
    );
  });

  it.each([
    ["", "the name is empty"],
    [".", "is not a file name"],
    ["..", "is not a file name"],
    ["register", "control file"],
    ["status", "control file"],
    ["qemu/x", 'contains "/"'],
    ["qemu:x", 'contains ":"'],
    ["qemu x", "white space"],
    ["qemu\tx", "white space"],
    ["qemu\nx", "white space"],
    ["qemu\u0001x", "control character"],
    ["q".repeat(256), "longer than 255 bytes"],
  ])("refuses the entry name %j", (name, problem) => {
    const error = encodeError({ name });
    expect(error.message).toContain(problem);
    expect(error.message).toContain(`entry ${JSON.stringify(name)}`);
    expect(error.hint).toMatch(/prefix/);
  });

  it.each([
    ["qemu-x", "not an absolute path"],
    ["", "not an absolute path"],
    ["/usr/bin/qemu:x", 'contains ":"'],
    ["/usr/bin/qemu\nx", "a newline"],
    ["/usr/bin/qemu\0x", "NUL"],
  ])("refuses the interpreter %j", (interpreter, problem) => {
    expect(encodeError({ interpreter }).message).toContain(problem);
  });

  it.each([
    [{ magic: "" }, "magic must be a non-empty string of hex bytes"],
    [{ magic: "7f4" }, "magic must be a non-empty string of hex bytes"],
    [{ magic: "7g" }, "magic must be a non-empty string of hex bytes"],
    [{ magic: "\\x7f" }, "magic must be a non-empty string of hex bytes"],
    [{ mask: "ff" }, "the mask is 1 bytes long but the magic is 4"],
    [{ mask: "zzzzzzzz" }, "mask must be a string of hex bytes"],
    [{ offset: -1 }, "offset -1 is not a non-negative integer"],
    [{ offset: 1.5 }, "offset 1.5 is not a non-negative integer"],
    [{ offset: 125 }, "offset 125 plus 4 magic bytes goes past the first 128 bytes"],
    [{ flags: "X" }, "may only contain P, O, C and F"],
    [{ flags: "p" }, "may only contain P, O, C and F"],
    [{ flags: "P\n" }, "may only contain P, O, C and F"],
  ] as const)("refuses %j", (overrides, problem) => {
    const error = encodeError(overrides);
    expect(error.message).toContain(problem);
    expect(error.code).toBe("EINVAL");
  });

  it("refuses a line longer than the kernel's 1920 bytes", () => {
    const interpreter = `/${"a".repeat(1900)}`;
    expect(encodeError({ interpreter }).message).toMatch(
      /register line is \d+ bytes; the kernel accepts 11 to 1920/,
    );
    // Just inside the limit is fine.
    const line = encodeRegisterLine({ ...base, interpreter: "/" });
    const fits = encodeRegisterLine({
      ...base,
      interpreter: `/${"a".repeat(1920 - Buffer.byteLength(line))}`,
    });
    expect(Buffer.byteLength(fits)).toBe(1920);
  });

  it("counts bytes, not characters, against the limit", () => {
    const line = encodeRegisterLine({ ...base, interpreter: "/" });
    const room = 1920 - Buffer.byteLength(line);
    // "é" is two bytes in UTF-8: room/2 + 1 of them is one character too many bytes.
    expect(
      encodeError({ interpreter: `/${"é".repeat(Math.floor(room / 2) + 1)}` }).message,
    ).toContain("register line is");
  });

  it("round-trips through the kernel model: what parseEntry reads back is what was asked for", () => {
    fc.assert(
      fc.property(registerRequest("/usr/libexec/qemu-fixed"), (request) => {
        const line = encodeRegisterLine(request);
        const printed = modelPrint(modelRegister(line));
        const entry = parseEntry(request.name, printed);
        const flags = new Set(request.flags);
        if (flags.has("C")) flags.add("O");
        expect(entry).toEqual({
          name: request.name,
          enabled: true,
          type: "M",
          interpreter: request.interpreter,
          flags: [..."POCF"].filter((f) => flags.has(f)).join(""),
          offset: request.offset,
          magic: request.magic.toLowerCase(),
          mask: request.mask === null ? null : request.mask.toLowerCase(),
        });
      }),
      { numRuns: 2000 },
    );
  });
});
