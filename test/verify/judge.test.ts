// Verdicts on test-program and --version runs: every way a run can end gets words that say what
// went wrong and name the target.
import { describe, expect, it } from "vitest";
import { judgeProgram, judgeVersion } from "../../src/verify/judge.js";
import type { ExecutableResult } from "../../src/verify/run-executable.js";

const run = (over: Partial<ExecutableResult>): ExecutableResult => ({
  code: 42,
  signal: null,
  stdout: "qus-ok\n",
  stderr: "",
  spawnError: null,
  timedOut: false,
  ...over,
});

describe("judgeProgram", () => {
  it("passes only the marker with the test exit status", () => {
    expect(judgeProgram("riscv64", run({}))).toMatchObject({ ok: true });
    expect(judgeProgram("riscv64", run({ code: 0 }))).toMatchObject({ ok: false });
    expect(judgeProgram("riscv64", run({ stdout: "" }))).toMatchObject({ ok: false });
  });

  it("explains each failure", () => {
    expect(judgeProgram("arm", run({ spawnError: "ENOEXEC", code: null })).detail).toMatch(
      /arm test program.*Exec format error.*no enabled binfmt_misc entry/,
    );
    expect(judgeProgram("arm", run({ spawnError: "EACCES", code: null })).detail).toMatch(/noexec/);
    expect(
      judgeProgram("arm", run({ timedOut: true, code: null, signal: "SIGKILL" })).detail,
    ).toMatch(/did not finish in time/);
    const wrong = judgeProgram(
      "s390x",
      run({ code: 1, stdout: "", stderr: "qemu-s390x: Invalid ELF image for this architecture\n" }),
    );
    expect(wrong).toEqual({
      ok: false,
      detail:
        'the s390x test program ended with exit status 1 and printed "" (expected "qus-ok\\n" and exit status 42); stderr: qemu-s390x: Invalid ELF image for this architecture',
    });
    expect(
      judgeProgram("s390x", run({ code: null, signal: "SIGSEGV", stdout: "" })).detail,
    ).toMatch(/killed by SIGSEGV/);
  });
});

describe("judgeVersion", () => {
  it("passes a version line and says the registration itself was not exercised", () => {
    const verdict = judgeVersion(
      "sparc64",
      "/x/qemu-sparc64",
      run({ code: 0, stdout: "qemu-sparc64 version 7.2.19\nCopyright\n" }),
    );
    expect(verdict.ok).toBe(true);
    expect(verdict.detail).toBe(
      '/x/qemu-sparc64 --version answered "qemu-sparc64 version 7.2.19"; no test program for sparc64, so only the emulator was checked, not the registration',
    );
  });

  it("fails when the emulator cannot run or says nothing like a version", () => {
    expect(
      judgeVersion("m68k", "/x/qemu-m68k", run({ spawnError: "ENOENT", code: null })).detail,
    ).toMatch(/cannot run \/x\/qemu-m68k --version \(ENOENT\)/);
    expect(judgeVersion("m68k", "/x/qemu-m68k", run({ code: 0, stdout: "hello\n" })).ok).toBe(
      false,
    );
    expect(
      judgeVersion("m68k", "/x/qemu-m68k", run({ code: 127, stdout: "", stderr: "boom\n" })).detail,
    ).toMatch(/failed \(exit status 127\): boom/);
  });
});
