// The verification report: one JSON document, and the human text rendered from it, so the two
// cannot disagree (the same shape as the plan and status views).
import { plainStyle, type Style } from "../views/style.js";
import { type ProbeSection, projectProbes, renderProbes } from "./probe-report.js";
import type { VerifyResult } from "./verify.js";

/** Version of the verify document's shape. */
export const VERIFY_FORMAT_VERSION = "1";

/** What `qus verify --json` prints. */
export interface VerifyDocument {
  readonly format_version: string;
  readonly host: { readonly machine: string; readonly family: string };
  readonly results: readonly VerifyResult[];
  readonly summary: { readonly passed: number; readonly failed: number };
  /** Entry names that failed, for scripts and the error message. */
  readonly failed: readonly string[];
  /** With `--probes`: the probe set and its findings (each result carries its own probes). */
  readonly probes?: ProbeSection;
}

/** Builds the document from the results. */
export function projectVerify(
  results: readonly VerifyResult[],
  host: { machine: string; family: string },
  options: { probes?: boolean } = {},
): VerifyDocument {
  const failed = results.filter((r) => !r.ok).map((r) => r.name);
  return {
    format_version: VERIFY_FORMAT_VERSION,
    host: { machine: host.machine, family: host.family },
    results,
    summary: { passed: results.length - failed.length, failed: failed.length },
    failed,
    ...(options.probes === true ? { probes: projectProbes(results) } : {}),
  };
}

/** The closing line scripts can grep. */
export function verifySummaryLine(doc: VerifyDocument): string {
  return `Verify: ${doc.summary.passed} passed, ${doc.summary.failed} failed.`;
}

/** One line per target (name, verdict, method, detail), then the summary line. */
export function renderVerify(doc: VerifyDocument, style: Style = plainStyle): string {
  if (doc.results.length === 0)
    return "Nothing to verify: the configuration registers no enabled target on this host.";
  const width = Math.max(...doc.results.map((r) => r.name.length));
  const lines = doc.results.map((r) => {
    const verdict = r.ok ? style.added("ok    ") : style.removed("FAILED");
    const how =
      r.method === "program"
        ? "test program"
        : r.method === "version"
          ? "--version only"
          : "not run";
    return `${r.name.padEnd(width)}  ${verdict}  [${how}] ${r.detail}`;
  });
  const text = `${lines.join("\n")}\n${style.bold(verifySummaryLine(doc))}`;
  return doc.probes === undefined
    ? text
    : `${text}\n\n${renderProbes(doc.probes, doc.results, style)}`;
}

/** The document with its uncoloured text, for --json. */
export function withRenderedVerify(
  doc: VerifyDocument,
): VerifyDocument & { readonly rendered: string } {
  return { ...doc, rendered: renderVerify(doc, plainStyle) };
}
