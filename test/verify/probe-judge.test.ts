// The probe judge, pure: the exit status of a probe program is the answer & 0xff; ENOSYS is 38
// on most targets and 89 on MIPS, anything else means the call exists, and a program that did
// not run to its end is a failure, counted at least as a warning.
import { describe, expect, it } from "vitest";
import { probeBySyscall, SYSCALL_ABIS } from "../../src/currency/probes.js";
import { judgeProbe, probeSeverity } from "../../src/verify/probe-judge.js";
import type { ExecutableResult } from "../../src/verify/run-executable.js";
import { TEST_MARKER } from "../../src/verify/test-programs.js";

const ran = (code: number | null, extra: Partial<ExecutableResult> = {}): ExecutableResult => ({
  code,
  signal: null,
  stdout: TEST_MARKER,
  stderr: "",
  spawnError: null,
  timedOut: false,
  ...extra,
});
const openat2 = probeBySyscall("openat2")!;
const futexWaitv = probeBySyscall("futex_waitv")!;
const clone3 = probeBySyscall("clone3")!;

describe("judgeProbe", () => {
  it("reads 256-38 as ENOSYS on the shared ABI: missing, at the probe's level", () => {
    expect(judgeProbe("aarch64", openat2, SYSCALL_ABIS.shared, ran(218))).toMatchObject({
      syscall: "openat2",
      number: 437,
      outcome: "missing",
      level: "error",
      severity: "error",
      answer: "ENOSYS",
    });
    expect(judgeProbe("aarch64", futexWaitv, SYSCALL_ABIS.shared, ran(218)).severity).toBe(
      "warning",
    );
    expect(judgeProbe("aarch64", clone3, SYSCALL_ABIS.shared, ran(218)).severity).toBe("expected");
  });

  it("reads ENOSYS as 89 on MIPS, where 38 is another error (the call exists)", () => {
    const mips = judgeProbe("mipsel", openat2, SYSCALL_ABIS.mipsO32, ran(256 - 89));
    expect(mips).toMatchObject({ number: 4437, outcome: "missing", answer: "ENOSYS" });
    expect(judgeProbe("mipsel", openat2, SYSCALL_ABIS.mipsO32, ran(218))).toMatchObject({
      outcome: "supported",
      answer: "errno 38",
    });
  });

  it("names the usual errors and successes as supported", () => {
    expect(judgeProbe("s390x", openat2, SYSCALL_ABIS.shared, ran(256 - 22))).toMatchObject({
      outcome: "supported",
      severity: "ok",
      answer: "EINVAL",
    });
    expect(judgeProbe("s390x", openat2, SYSCALL_ABIS.shared, ran(256 - 14)).answer).toBe("EFAULT");
    expect(judgeProbe("s390x", openat2, SYSCALL_ABIS.shared, ran(0))).toMatchObject({
      outcome: "supported",
      answer: "returned 0",
    });
  });

  it("fails a program that did not run to its end, naming target and call", () => {
    const cases: [Partial<ExecutableResult>, RegExp][] = [
      [{ spawnError: "ENOEXEC", code: null }, /could not be started \(ENOEXEC\)/],
      [{ timedOut: true, code: null, signal: "SIGKILL" }, /did not finish in time/],
      [{ code: null, signal: "SIGSEGV" }, /was killed by SIGSEGV/],
      [
        { code: 1, stdout: "", stderr: "qemu: uncaught target signal 4\n" },
        /exit status 1 without printing the marker; stderr: qemu: uncaught target signal 4/,
      ],
    ];
    for (const [run, detail] of cases) {
      const result = judgeProbe("riscv64", openat2, SYSCALL_ABIS.shared, ran(0, run));
      expect(result).toMatchObject({ outcome: "failed", severity: "error", answer: "" });
      expect(result.detail).toMatch(/^the probe of openat2 \(437\) on riscv64 /);
      expect(result.detail).toMatch(detail);
    }
  });
});

describe("probeSeverity", () => {
  it("is ok when supported, the level when missing, at least a warning when failed", () => {
    expect(probeSeverity("supported", "error")).toBe("ok");
    expect(probeSeverity("missing", "expected")).toBe("expected");
    expect(probeSeverity("failed", "expected")).toBe("warning");
    expect(probeSeverity("failed", "warning")).toBe("warning");
    expect(probeSeverity("failed", "error")).toBe("error");
  });
});
