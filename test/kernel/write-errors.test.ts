// The errno-to-advice mapping for the cases a root test run cannot provoke in a real kernel
// (permission denied needs an unprivileged writer); the others are covered in binfmt.test.ts.
import { describe, expect, it } from "vitest";
import { KernelError } from "../../src/errors.js";
import { writeFailureError, type WriteFailure } from "../../src/kernel/write-errors.js";

const dir = "/proc/sys/fs/binfmt_misc";
const failure = (overrides: Partial<WriteFailure>): WriteFailure => ({
  operation: "register",
  dir,
  path: `${dir}/register`,
  name: "qemu-aarch64",
  line: ":qemu-aarch64:M::\\x7f::/usr/bin/qemu-aarch64:PF",
  stage: "open",
  code: "EACCES",
  cause: Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" }),
  ...overrides,
});

describe("writeFailureError", () => {
  it.each(["EACCES", "EPERM"])(
    "explains %s on opening register as needing root, with the path",
    (code) => {
      const error = writeFailureError(failure({ code }));
      expect(error).toBeInstanceOf(KernelError);
      expect(error.code).toBe(code);
      expect(error.path).toBe(`${dir}/register`);
      expect(error.message).toBe(
        `Cannot register binfmt_misc entry "qemu-aarch64": no permission to write ${dir}/register (${code}).`,
      );
      expect(error.hint).toMatch(/needs root.*container/s);
    },
  );

  it("explains EACCES on an entry file the same way, naming the operation", () => {
    const error = writeFailureError(
      failure({ operation: "remove", path: `${dir}/qemu-aarch64`, line: undefined }),
    );
    expect(error.message).toBe(
      `Cannot remove binfmt_misc entry "qemu-aarch64": no permission to write ${dir}/qemu-aarch64 (EACCES).`,
    );
  });

  it("keeps the cause, and reports an unexpected errno with the system's message", () => {
    const cause = Object.assign(new Error("EIO: i/o error, write"), { code: "EIO" });
    const error = writeFailureError(failure({ stage: "write", code: "EIO", cause }));
    expect(error.message).toBe(
      `Cannot register binfmt_misc entry "qemu-aarch64": writing ${dir}/register failed: EIO: i/o error, write`,
    );
    expect(error.cause).toBe(cause);
  });
});
