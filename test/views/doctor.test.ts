// The doctor checklist and its JSON: marks, one fix line per problem, counts, colour only on
// request, and every document valid against schemas/qus.doctor.schema.json.
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { error, ok, warning } from "../../src/doctor/finding.js";
import { doctorDocument, renderDoctor } from "../../src/views/doctor.js";
import { colourStyle, plainStyle } from "../../src/views/style.js";

const findings = [
  ok("kernel.version", "kernel", "Linux 6.18.44"),
  warning(
    "binfmt.unmounted",
    "/proc/sys/fs/binfmt_misc",
    "binfmt_misc is not mounted",
    "qus apply",
  ),
  error(
    "entry.missing-interpreter",
    "entry qus-x",
    "its interpreter /nope does not exist",
    "qus apply installs it again",
  ),
];

const validate = new Ajv2020({ strict: true, allErrors: true }).compile(
  JSON.parse(
    readFileSync(new URL("../../schemas/qus.doctor.schema.json", import.meta.url), "utf8"),
  ) as object,
);

describe("doctor views", () => {
  it("renders ✔ / ! / ✘ with one fix line under each problem and the counts", () => {
    expect(renderDoctor(doctorDocument(findings), plainStyle)).toBe(
      [
        "✔ kernel: Linux 6.18.44",
        "! /proc/sys/fs/binfmt_misc: binfmt_misc is not mounted",
        "    fix: qus apply",
        "✘ entry qus-x: its interpreter /nope does not exist",
        "    fix: qus apply installs it again",
        "",
        "1 ok, 1 warning, 1 error: something qus needs fails here today (exit 1).",
        "",
      ].join("\n"),
    );
  });

  it("colours the marks only in the colour style", () => {
    const text = renderDoctor(doctorDocument(findings), colourStyle);
    expect(text).toContain("\x1b[31m✘\x1b[39m");
    expect(text).toContain("\x1b[32m✔\x1b[39m");
    expect(renderDoctor(doctorDocument(findings), plainStyle)).not.toContain("\x1b[");
  });

  it("says all is well when nothing is wrong", () => {
    expect(renderDoctor(doctorDocument([findings[0]!]), plainStyle)).toContain(
      "1 ok, 0 warnings, 0 errors: everything qus needs works here.",
    );
  });

  it("projects a document the schema accepts, ok false exactly when an error is present", () => {
    const doc = doctorDocument(findings);
    expect(doc).toMatchObject({ ok: false, summary: { ok: 1, warning: 1, error: 1 } });
    expect(validate(JSON.parse(JSON.stringify(doc)))).toBe(true);
    expect(doctorDocument(findings.slice(0, 2)).ok).toBe(true);
  });

  it("the schema refuses a finding without a fix field or with an unknown severity", () => {
    const { fix: _fix, ...noFix } = findings[0]!;
    expect(validate({ ...doctorDocument([]), findings: [noFix] })).toBe(false);
    expect(
      validate({ ...doctorDocument([]), findings: [{ ...findings[0], severity: "info" }] }),
    ).toBe(false);
  });
});
