// Properties of the register-line encoder. Valid requests come out as lines the kernel model reads
// back field for field; hostile requests (delimiters, newlines, NULs, odd numbers) are either
// refused with a KernelError or encoded so that no field leaks into another. A few hundred of the
// hostile lines the encoder accepts then go through a real kernel (a private binfmt_misc).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KernelError } from "../../src/errors.js";
import { readBinfmt, registerEntry, removeEntry } from "../../src/kernel/binfmt.js";
import {
  encodeRegisterLine,
  MAX_PATTERN_END,
  MAX_REGISTER_LINE_BYTES,
  MIN_REGISTER_LINE_BYTES,
  type RegisterRequest,
} from "../../src/kernel/register-line.js";
import { startSandbox, type Sandbox } from "../helpers/sandbox.js";
import { registerRequest } from "../kernel/arbitraries.js";
import { modelPrint, modelRegister } from "../kernel/kernel-model.js";

const RUNS = 10_000;
const KERNEL_RUNS = 300;

/** The flags a request asks for, as the kernel keeps them (a set; C implies O). */
function kernelFlags(flags: string): Set<string> {
  const set = new Set(flags);
  if (set.has("C")) set.add("O");
  return set;
}

function expectLineMeans(line: string, request: RegisterRequest): void {
  const bytes = Buffer.byteLength(line);
  expect(bytes).toBeGreaterThanOrEqual(MIN_REGISTER_LINE_BYTES);
  expect(bytes).toBeLessThanOrEqual(MAX_REGISTER_LINE_BYTES);
  expect(line).not.toMatch(/[\n\0]/);
  const entry = modelRegister(line);
  expect(entry.name).toBe(request.name);
  expect(entry.type).toBe("M");
  expect(entry.interpreter).toBe(request.interpreter);
  // An offset of -0 is written as "0": the same offset (toBe alone would tell -0 from 0).
  expect(entry.offset).toBe(request.offset + 0);
  expect(Buffer.from(entry.magic).toString("hex")).toBe(request.magic.toLowerCase());
  expect(entry.mask === null ? null : Buffer.from(entry.mask).toString("hex")).toBe(
    request.mask?.toLowerCase() ?? null,
  );
  expect([...entry.flags].sort()).toEqual([...kernelFlags(request.flags)].sort());
  expect(request.offset + entry.magic.length).toBeLessThanOrEqual(MAX_PATTERN_END);
}

// Characters that break lines, fields, paths or escapes, mixed with ordinary ones.
const HOSTILE_CHARS = [
  ":",
  "\n",
  "\r",
  "\0",
  "/",
  " ",
  "\t",
  "\\",
  "x",
  "\\x3a",
  "\\x0a",
  ".",
  "-",
  "a",
  "Z",
  "9",
  "é",
  "日",
  "\u202e",
  "\u00a0",
];
// What the encoder lets through although it looks dangerous: escapes, bidi controls, non-ASCII.
const ODD_BUT_ALLOWED = [
  "\\",
  "x",
  "\\x3a",
  "\\x0a",
  "\\x",
  ".",
  "-",
  "a",
  "é",
  "日",
  "\u202e",
  "%n",
  "$(id)",
];
const hostileText = (maxLength: number) =>
  fc.array(fc.constantFrom(...HOSTILE_CHARS), { maxLength }).map((parts) => parts.join(""));
const hexOrNot = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 140 }).map((b) => Buffer.from(b).toString("hex")),
  fc.stringMatching(/^[0-9a-fA-FxX\\:g ]{0,12}$/),
);
const hostileRequest: fc.Arbitrary<RegisterRequest> = fc.record({
  name: fc.oneof(
    hostileText(12),
    fc.constantFrom("", ".", "..", "register", "status", "q".repeat(256), "é".repeat(128)),
  ),
  offset: fc.oneof(
    fc.integer({ min: -5, max: 200 }),
    fc.constantFrom(Number.NaN, Infinity, 1.5, 2 ** 53, -0),
  ),
  magic: hexOrNot,
  mask: fc.option(hexOrNot, { nil: null }),
  interpreter: fc.oneof(
    hostileText(16).map((p) => `/${p}`),
    hostileText(8),
    fc.constant(`/${"p".repeat(1900)}`),
  ),
  flags: fc.stringMatching(/^[POCFpx\n :]{0,6}$/),
});

describe("encodeRegisterLine (10,000 generated requests per property)", () => {
  it("encodes every valid request as a line the kernel reads back as the same registration", () => {
    fc.assert(
      fc.property(registerRequest("/usr/bin/qemu-test-static"), (request) => {
        expectLineMeans(encodeRegisterLine(request), request);
      }),
      { numRuns: RUNS },
    );
  });

  it("refuses a hostile request with a KernelError, or encodes it without any field leaking into another", () => {
    fc.assert(
      fc.property(hostileRequest, (request) => {
        let line: string;
        try {
          line = encodeRegisterLine(request);
        } catch (error) {
          expect(error).toBeInstanceOf(KernelError);
          expect((error as KernelError).message).toContain(JSON.stringify(request.name));
          return;
        }
        expectLineMeans(line, request);
      }),
      { numRuns: RUNS },
    );
  });

  it("is deterministic and insensitive to hex case and flag order", () => {
    fc.assert(
      fc.property(registerRequest("/usr/bin/qemu-test-static"), fc.boolean(), (request, upper) => {
        const flipped: RegisterRequest = {
          ...request,
          magic: upper ? request.magic.toUpperCase() : request.magic.toLowerCase(),
          mask:
            request.mask === null
              ? null
              : upper
                ? request.mask.toUpperCase()
                : request.mask.toLowerCase(),
          flags: [...request.flags].reverse().join(""),
        };
        expect(encodeRegisterLine(flipped)).toBe(encodeRegisterLine(request));
      }),
      { numRuns: RUNS },
    );
  });
});

describe("hostile requests the encoder accepts, through a real kernel", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it(`${KERNEL_RUNS} accepted hostile lines register, and read back exactly as the model prints them`, async () => {
    // Nothing is executed inside this sandbox, so magics that match real files do no harm.
    const accepted = fc
      .record({
        name: fc
          .array(fc.constantFrom(...ODD_BUT_ALLOWED), { minLength: 1, maxLength: 12 })
          .map((parts) => parts.join("")),
        interpreter: fc
          .array(fc.constantFrom(...ODD_BUT_ALLOWED, " ", "\t", "\r", "/"), { maxLength: 16 })
          .map((parts) => `/${parts.join("")}`),
        offset: fc.integer({ min: 0, max: 127 }),
        flags: fc.stringMatching(/^[POCF]{0,6}$/),
        withMask: fc.boolean(),
      })
      .chain(({ withMask, offset, ...rest }) =>
        fc.integer({ min: 1, max: MAX_PATTERN_END - offset }).chain((length) => {
          const hex = fc
            .uint8Array({ minLength: length, maxLength: length })
            .map((b) => Buffer.from(b).toString("hex"));
          return fc
            .record({ magic: hex, mask: withMask ? hex : fc.constant(null) })
            .map((pattern) => ({ ...rest, offset, ...pattern }));
        }),
      )
      .map((request) => ({
        ...request,
        interpreter: request.flags.includes("F") ? process.execPath : request.interpreter,
      }))
      .filter((request) => {
        try {
          encodeRegisterLine(request);
          return true;
        } catch {
          return false;
        }
      });
    await fc.assert(
      fc.asyncProperty(accepted, async (request) => {
        const line = encodeRegisterLine(request);
        await registerEntry(sandbox.binfmtDir, line);
        try {
          expect(await readFile(join(sandbox.binfmtDir, request.name), "utf8")).toBe(
            modelPrint(modelRegister(line)),
          );
        } finally {
          await removeEntry(sandbox.binfmtDir, request.name);
        }
      }),
      { numRuns: KERNEL_RUNS },
    );
    expect((await readBinfmt(sandbox.binfmtDir)).entries).toEqual([]);
  });
});
