// parseEntry against text printed by a real kernel (a private binfmt_misc instance), and against
// malformed text that must become a KernelError naming the place, never a crash.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findTarget } from "../../src/catalog/targets.js";
import { KernelError } from "../../src/errors.js";
import { registerEntry, setEntryEnabled } from "../../src/kernel/binfmt.js";
import { parseEntry } from "../../src/kernel/entry.js";
import { startSandbox, type Sandbox } from "../helpers/sandbox.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.stop();
});

/** Registers a hand-written line in the sandbox and returns the kernel's print of the entry. */
async function kernelPrint(name: string, line: string): Promise<string> {
  await registerEntry(sandbox.binfmtDir, line);
  return readFile(join(sandbox.binfmtDir, name), "utf8");
}

const aarch64 = findTarget("aarch64")!;
const escaped = (hex: string): string => hex.replace(/../g, (byte) => `\\x${byte}`);
// Not registered with F, so the kernel never opens it: it need not exist.
const NO_FILE = "/usr/local/lib/qus-test/qemu-aarch64";

describe("parseEntry on real kernel output", () => {
  it("reads a magic entry with a mask", async () => {
    const text = await kernelPrint(
      "qus-mask",
      `:qus-mask:M::${escaped(aarch64.magic)}:${escaped(aarch64.mask)}:${NO_FILE}:P`,
    );
    expect(parseEntry("qus-mask", text)).toEqual({
      name: "qus-mask",
      enabled: true,
      type: "M",
      interpreter: NO_FILE,
      flags: "P",
      offset: 0,
      magic: aarch64.magic,
      mask: aarch64.mask,
    });
  });

  it("reads a magic entry without a mask as mask null, with an offset and empty flags", async () => {
    const text = await kernelPrint(
      "qus-nomask",
      `:qus-nomask:M:12:\\x51\\x55\\x53::/opt/with space/é:`,
    );
    expect(text).toContain("flags: \n"); // the kernel's spelling of "no flags"
    expect(parseEntry("qus-nomask", text)).toEqual({
      name: "qus-nomask",
      enabled: true,
      type: "M",
      interpreter: "/opt/with space/é",
      flags: "",
      offset: 12,
      magic: "515553",
      mask: null,
    });
  });

  // Every subset of POCF, in scrambled order; F needs an interpreter that exists (node itself).
  const subsets = Array.from({ length: 16 }, (_, bits) =>
    [..."FCOP"].filter((_, i) => bits & (1 << i)).join(""),
  );
  it.each(subsets)("reads flags %j back as the kernel normalises them", async (flags) => {
    const name = `qus-flags-${flags || "none"}`;
    const text = await kernelPrint(
      name,
      `:${name}:M::\\x51\\x55\\x53\\x00::${process.execPath}:${flags}`,
    );
    const expected = [..."POCF"]
      .filter((f) => flags.includes(f) || (f === "O" && flags.includes("C")))
      .join("");
    expect(parseEntry(name, text).flags).toBe(expected);
  });

  it("reads CF back as OCF", async () => {
    const text = await kernelPrint("qus-cf", `:qus-cf:M::\\x51::${process.execPath}:CF`);
    expect(parseEntry("qus-cf", text).flags).toBe("OCF");
  });

  it("reads a disabled entry", async () => {
    await kernelPrint("qus-off", `:qus-off:M::\\x51:\\x0f:${process.execPath}:F`);
    await setEntryEnabled(sandbox.binfmtDir, "qus-off", false);
    const text = await readFile(join(sandbox.binfmtDir, "qus-off"), "utf8");
    expect(text.startsWith("disabled\n")).toBe(true);
    expect(parseEntry("qus-off", text)).toMatchObject({
      enabled: false,
      flags: "F",
      magic: "51",
      mask: "0f",
    });
  });

  it("reads an extension (E) entry", async () => {
    const text = await kernelPrint("qus-ext", `:qus-ext:E::qusext::${NO_FILE}:PO`);
    expect(parseEntry("qus-ext", text)).toEqual({
      name: "qus-ext",
      enabled: true,
      type: "E",
      interpreter: NO_FILE,
      flags: "PO",
      offset: 0,
      magic: "",
      mask: null,
      extension: "qusext",
    });
  });
});

describe("parseEntry on malformed text", () => {
  const good = "enabled\ninterpreter /q\nflags: PF\noffset 0\nmagic 7f45\nmask ffff\n";

  it("accepts the well-formed text these cases are made from", () => {
    expect(parseEntry("e", good)).toMatchObject({ magic: "7f45", mask: "ffff", flags: "PF" });
    expect(parseEntry("e", good.slice(0, -1))).toMatchObject({ mask: "ffff" }); // no final newline
  });

  it.each([
    ["empty text", "", 'line 1 ""', '"enabled" or "disabled"'],
    ["unknown status", good.replace("enabled", "on"), 'line 1 "on"', '"enabled" or "disabled"'],
    [
      "missing interpreter line",
      "enabled\nflags: \noffset 0\nmagic 00\n",
      "line 2",
      '"interpreter <path>"',
    ],
    [
      "empty interpreter",
      good.replace("interpreter /q", "interpreter "),
      "line 2",
      "interpreter is empty",
    ],
    ["no flags line", "enabled\ninterpreter /q\n", "the end of the text", '"flags: '],
    [
      "flags out of order",
      good.replace("flags: PF", "flags: FP"),
      'line 3 "flags: FP"',
      "subset of P, O, C, F",
    ],
    ["unknown flag", good.replace("flags: PF", "flags: PX"), "line 3", "subset of P, O, C, F"],
    [
      "flags without the space",
      good.replace("flags: PF", "flags:PF"),
      'line 3 "flags:PF"',
      '"flags: <POCF subset>"',
    ],
    ["negative offset", good.replace("offset 0", "offset -1"), "line 4", "non-negative decimal"],
    [
      "offset with a leading zero",
      good.replace("offset 0", "offset 07"),
      "line 4",
      "non-negative decimal",
    ],
    ["offset in hex", good.replace("offset 0", "offset 0x10"), "line 4", "non-negative decimal"],
    [
      "huge offset",
      good.replace("offset 0", "offset 99999999999999999999"),
      "line 4",
      "non-negative decimal",
    ],
    ["uppercase magic", good.replace("magic 7f45", "magic 7F45"), "line 5", "lowercase hex"],
    ["odd-length magic", good.replace("magic 7f45", "magic 7f4"), "line 5", "lowercase hex"],
    ["empty magic", good.replace("magic 7f45", "magic "), "line 5", "lowercase hex"],
    [
      "missing magic",
      "enabled\ninterpreter /q\nflags: \noffset 0\n",
      "the end of the text",
      '"magic <hex>"',
    ],
    [
      "pattern past 256 bytes",
      good.replace("offset 0", "offset 255"),
      "line 5",
      "exceeds the 256 bytes",
    ],
    [
      "mask shorter than magic",
      good.replace("mask ffff", "mask ff"),
      "line 6",
      "as long as the magic",
    ],
    ["uppercase mask", good.replace("mask ffff", "mask FFFF"), "line 6", "lowercase hex"],
    [
      "unknown line instead of the mask",
      good.replace("mask ffff", "maks ffff"),
      "line 6",
      '"mask <hex>"',
    ],
    ["a line after the mask", `${good}extra\n`, 'line 7 "extra"', "end of the entry"],
    ["a blank line at the end", `${good}\n`, 'line 7 ""', "end of the entry"],
    ["windows line endings", good.replace(/\n/g, "\r\n"), "line 1", '"enabled" or "disabled"'],
    ["empty extension", "enabled\ninterpreter /q\nflags: \nextension .\n", "line 4", "non-empty"],
    [
      "extension without the dot",
      "enabled\ninterpreter /q\nflags: \nextension exe\n",
      "line 4",
      '"extension .<ext>"',
    ],
    [
      "extension with a slash",
      "enabled\ninterpreter /q\nflags: \nextension .a/b\n",
      "line 4",
      "contain no /",
    ],
    [
      "offset after an extension",
      "enabled\ninterpreter /q\nflags: \nextension .x\noffset 0\n",
      "line 5",
      "end of the entry",
    ],
  ])("%s is a KernelError naming the line", (_what, text, where, problem) => {
    let caught: unknown;
    try {
      parseEntry("qemu-test", text, "/binfmt/qemu-test");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KernelError);
    const error = caught as KernelError;
    expect(error.path).toBe("/binfmt/qemu-test");
    expect(error.message).toContain("Unexpected binfmt_misc entry format in /binfmt/qemu-test");
    expect(error.message).toContain(where);
    expect(error.message).toContain(problem);
  });

  it("keeps an interpreter path that contains a newline (the kernel allows one)", () => {
    const entry = parseEntry("e", "enabled\ninterpreter /odd\npath\nflags: \noffset 0\nmagic 00\n");
    expect(entry.interpreter).toBe("/odd\npath");
  });
});
