// The probe part of the verify report, from in-memory results: the findings and counts scripts
// read, the matrix and grouped lines people read, and the document against its JSON Schema.
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { PROBES, SYSCALL_ABIS } from "../../src/currency/probes.js";
import { judgeProbe } from "../../src/verify/probe-judge.js";
import { projectVerify, renderVerify, withRenderedVerify } from "../../src/verify/report.js";
import type { VerifyResult } from "../../src/verify/verify.js";
import { TEST_MARKER } from "../../src/verify/test-programs.js";

const ENOSYS_STATUS = 256 - 38;
function probed(target: string, missing: readonly string[], failed: string[] = []): VerifyResult {
  return {
    name: `qemu-${target}`,
    target,
    method: "program",
    ok: true,
    detail: "ran",
    probes: PROBES.map((probe) =>
      judgeProbe(target, probe, SYSCALL_ABIS.shared, {
        code: failed.includes(probe.syscall)
          ? null
          : missing.includes(probe.syscall)
            ? ENOSYS_STATUS
            : 234,
        signal: failed.includes(probe.syscall) ? "SIGSEGV" : null,
        stdout: TEST_MARKER,
        stderr: "",
        spawnError: null,
        timedOut: false,
      }),
    ),
  };
}
const HOST = { machine: "x86_64", family: "x86" };
const OLD = ["openat2", "clone3", "epoll_pwait2", "futex_waitv", "fchmodat2"];

describe("the probe section", () => {
  it("lists findings with severities and counts them", () => {
    const doc = projectVerify(
      [probed("aarch64", OLD), probed("s390x", ["clone3"], ["futex_waitv"])],
      HOST,
      {
        probes: true,
      },
    );
    expect(doc.probes?.summary).toEqual({ errors: 1, warnings: 4, expected: 2 });
    expect(doc.probes?.findings.filter((f) => f.severity === "error")).toEqual([
      {
        name: "qemu-aarch64",
        target: "aarch64",
        syscall: "openat2",
        outcome: "missing",
        severity: "error",
      },
    ]);
    expect(doc.probes?.findings).toContainEqual({
      name: "qemu-s390x",
      target: "s390x",
      syscall: "futex_waitv",
      outcome: "failed",
      severity: "warning",
    });
  });

  it("is absent without --probes", () => {
    expect(projectVerify([probed("aarch64", [])], HOST).probes).toBeUndefined();
  });

  it("renders a matrix, grouped findings with their cost and the known issue, and a summary", () => {
    const versionOnly: VerifyResult = {
      name: "qemu-sparc64",
      target: "sparc64",
      method: "version",
      ok: true,
      detail: "v",
    };
    const text = renderVerify(
      projectVerify(
        [probed("aarch64", OLD), probed("s390x", ["clone3"], ["futex_waitv"]), versionOnly],
        HOST,
        {
          probes: true,
        },
      ),
    );
    expect(text).toContain(
      [
        "              openat2  clone3   close_range  faccessat2  epoll_pwait2  futex_waitv  fchmodat2",
        "qemu-aarch64  missing  missing  ok           ok          missing       missing      missing",
        "qemu-s390x    ok       missing  ok           ok          ok            FAILED       ok",
        "qemu-sparc64  (not probed: no probe program for sparc64)",
      ].join("\n"),
    );
    expect(text).toMatch(
      /^Error: openat2 missing on qemu-aarch64: GNU tar .*; QEMU >=9\.2\.0 avoids it \(openat2-missing, https:\/\/\S+\)$/m,
    );
    expect(text).toMatch(
      /^Warning: futex_waitv failed on qemu-s390x: the probe of futex_waitv \(449\) on s390x was killed by SIGSEGV$/m,
    );
    expect(text).toMatch(
      /^Expected: clone3 missing on qemu-aarch64, qemu-s390x: every QEMU answers ENOSYS/m,
    );
    expect(text.split("\n").at(-1)).toBe("Probes: 1 error, 4 warnings.");
  });

  it("validates against schemas/qus.verify.schema.json, with and without probes", () => {
    const schema = JSON.parse(
      readFileSync(new URL("../../schemas/qus.verify.schema.json", import.meta.url), "utf8"),
    ) as object;
    const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);
    for (const probes of [true, false]) {
      const doc = JSON.parse(
        JSON.stringify(
          withRenderedVerify(projectVerify([probed("aarch64", OLD)], HOST, { probes })),
        ),
      );
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    }
    const broken = JSON.parse(
      JSON.stringify(
        withRenderedVerify(projectVerify([probed("aarch64", OLD)], HOST, { probes: true })),
      ),
    );
    broken.results[0].probes[0].outcome = "absent";
    expect(validate(broken)).toBe(false);
  });
});
