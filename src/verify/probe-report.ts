// The guest-compatibility part of the verify report: the probe set and its findings for the JSON
// document, and the matrix and grouped findings rendered from it. Pure.
import { knownIssueById } from "../currency/known-issues.js";
import { PROBES } from "../currency/probes.js";
import { plainStyle, type Style } from "../views/style.js";
import type { ProbeOutcome, ProbeResult, ProbeSeverity } from "./probe-judge.js";
import type { VerifyResult } from "./verify.js";

/** One probe result that is not plain "supported": what scripts and the exit status act on. */
export interface ProbeFinding {
  readonly name: string;
  readonly target: string;
  readonly syscall: string;
  readonly outcome: Exclude<ProbeOutcome, "supported">;
  readonly severity: Exclude<ProbeSeverity, "ok">;
}

/** The `probes` member of the verify document. */
export interface ProbeSection {
  /** The probe set: each system call, its shared number, level and what its absence costs. */
  readonly syscalls: readonly {
    readonly syscall: string;
    readonly number: number;
    readonly level: string;
    readonly cost: string;
    readonly issue?: string;
  }[];
  readonly summary: {
    readonly errors: number;
    readonly warnings: number;
    readonly expected: number;
  };
  readonly findings: readonly ProbeFinding[];
}

// Why: the document carries the whole matrix in the results and this summary beside it.
/** The probe section for results that carry probes. */
export function projectProbes(results: readonly VerifyResult[]): ProbeSection {
  const findings: ProbeFinding[] = results.flatMap((r) =>
    (r.probes ?? []).flatMap((p) =>
      p.outcome === "supported" || p.severity === "ok"
        ? []
        : [
            {
              name: r.name,
              target: r.target,
              syscall: p.syscall,
              outcome: p.outcome,
              severity: p.severity,
            },
          ],
    ),
  );
  const count = (severity: ProbeSeverity) => findings.filter((f) => f.severity === severity).length;
  return {
    syscalls: PROBES.map(({ syscall, number, level, cost, issue }) => ({
      syscall,
      number,
      level,
      cost,
      ...(issue === undefined ? {} : { issue }),
    })),
    summary: { errors: count("error"), warnings: count("warning"), expected: count("expected") },
    findings,
  };
}

const LABELS: Readonly<Record<Exclude<ProbeSeverity, "ok">, string>> = {
  error: "Error",
  warning: "Warning",
  expected: "Expected",
};

/** The matrix (one row per target, one column per probe), the grouped findings, a summary line. */
export function renderProbes(
  section: ProbeSection,
  results: readonly VerifyResult[],
  style: Style = plainStyle,
): string {
  const { errors, warnings } = section.summary;
  return [
    "Guest-compatibility probes (what each emulator answers to system calls modern guests make):",
    ...matrixLines(section, results, style),
    ...findingLines(section, results, style),
    style.bold(`Probes: ${plural(errors, "error")}, ${plural(warnings, "warning")}.`),
  ].join("\n");
}

function matrixLines(
  section: ProbeSection,
  results: readonly VerifyResult[],
  style: Style,
): string[] {
  const columns = section.syscalls.map((s) => s.syscall);
  const cellWidth = (column: string) => Math.max(column.length, 7);
  const width = Math.max(...results.map((r) => r.name.length), 0);
  const header = `${"".padEnd(width)}  ${columns.map((c) => c.padEnd(cellWidth(c))).join("  ")}`;
  const rows = results.map((r) => {
    if (r.probes === undefined) {
      const why =
        r.method === "program" ? "test program failed" : `no probe program for ${r.target}`;
      return `${r.name.padEnd(width)}  (not probed: ${why})`;
    }
    const cells = columns.map((column) => {
      const probe = r.probes?.find((p) => p.syscall === column);
      return paint(probe, style)(cellText(probe).padEnd(cellWidth(column)));
    });
    return `${r.name.padEnd(width)}  ${cells.join("  ")}`.trimEnd();
  });
  return [header.trimEnd(), ...rows];
}

/** One line per severity, system call and outcome, naming every entry it applies to. */
function findingLines(
  section: ProbeSection,
  results: readonly VerifyResult[],
  style: Style,
): string[] {
  const lines: string[] = [];
  for (const severity of ["error", "warning", "expected"] as const) {
    const label =
      severity === "warning" ? style.warning : severity === "error" ? style.removed : plainText;
    for (const meta of section.syscalls) {
      for (const outcome of ["missing", "failed"] as const) {
        const hits = section.findings.filter(
          (f) => f.severity === severity && f.syscall === meta.syscall && f.outcome === outcome,
        );
        if (hits.length === 0) continue;
        const names = hits.map((h) => h.name).join(", ");
        const why = findingText(outcome, meta.cost, meta.issue, results, hits);
        lines.push(
          `${label(`${LABELS[severity]}:`)} ${meta.syscall} ${outcome} on ${names}: ${why}`,
        );
      }
    }
  }
  return lines;
}

function plainText(text: string): string {
  return text;
}

function findingText(
  outcome: "missing" | "failed",
  cost: string,
  issueId: string | undefined,
  results: readonly VerifyResult[],
  hits: readonly ProbeFinding[],
): string {
  if (outcome === "failed") {
    return hits
      .map(
        (h) =>
          results.find((r) => r.name === h.name)?.probes?.find((p) => p.syscall === h.syscall)
            ?.detail,
      )
      .join("; ");
  }
  const issue = issueId === undefined ? undefined : knownIssueById(issueId);
  return issue === undefined
    ? cost
    : `${cost}; QEMU ${issue.avoidedBy} avoids it (${issue.id}, ${issue.link})`;
}

function cellText(probe: ProbeResult | undefined): string {
  if (probe === undefined) return "-";
  return probe.outcome === "supported" ? "ok" : probe.outcome === "missing" ? "missing" : "FAILED";
}

function paint(probe: ProbeResult | undefined, style: Style): (text: string) => string {
  if (probe === undefined || probe.severity === "expected") return plainText;
  if (probe.severity === "ok") return style.added;
  return probe.severity === "error" ? style.removed : style.warning;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}
