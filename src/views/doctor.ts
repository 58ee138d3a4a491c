// `qus doctor`'s two views from one document: the JSON (schemas/qus.doctor.schema.json) and the
// checklist a person reads at a glance, ✔ / ! / ✘ and one fix line under each problem. Pure.
import type { Finding, Severity } from "../doctor/finding.js";
import type { Style } from "./style.js";

/** The JSON document `qus doctor --json` prints. */
export interface DoctorDocument {
  readonly format_version: "1";
  /** False when a finding is an error (the exit status is then 1). */
  readonly ok: boolean;
  readonly summary: Readonly<Record<Severity, number>>;
  readonly findings: readonly Finding[];
}

/** The marks of the checklist. */
export const SEVERITY_MARKS: Readonly<Record<Severity, string>> = {
  ok: "✔",
  warning: "!",
  error: "✘",
};

/** The document of a list of findings. */
export function doctorDocument(findings: readonly Finding[]): DoctorDocument {
  const count = (severity: Severity) => findings.filter((f) => f.severity === severity).length;
  const summary = { ok: count("ok"), warning: count("warning"), error: count("error") };
  return { format_version: "1", ok: summary.error === 0, summary, findings };
}

/** The checklist: one line per finding, its fix indented below, then the counts. */
export function renderDoctor(doc: DoctorDocument, style: Style): string {
  const paint: Readonly<Record<Severity, (text: string) => string>> = {
    ok: style.added,
    warning: style.changed,
    error: style.removed,
  };
  const lines: string[] = [];
  for (const finding of doc.findings) {
    const mark = paint[finding.severity](SEVERITY_MARKS[finding.severity]);
    lines.push(`${mark} ${style.bold(finding.subject)}: ${finding.message}`);
    if (finding.fix !== null) lines.push(`    fix: ${finding.fix}`);
  }
  const { ok, warning, error } = doc.summary;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const verdict =
    error > 0
      ? "something qus needs fails here today (exit 1)."
      : warning > 0
        ? "nothing fails today; the warnings say what will."
        : "everything qus needs works here.";
  lines.push("", `${ok} ok, ${plural(warning, "warning")}, ${plural(error, "error")}: ${verdict}`);
  return `${lines.join("\n")}\n`;
}
