// Ends every test run with one plain line, `N passed, N failed` (plus `, N skipped` when some
// were), which the project's CI reads. Registered after vitest's default reporter in
// vitest.config.ts; it only prints, so vitest's exit code stays what vitest decided.
import type { SerializedError } from "vitest";
import type { Reporter, TestModule, TestRunEndReason, Vitest } from "vitest/node";

/** The counts behind the closing line. */
export interface RunCounts {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

/**
 * Counts test cases by state, and counts as failed: a test that never finished, a module or
 * suite that failed outside any test (import error, a failing beforeAll/afterAll), every
 * unhandled error, and a run vitest itself judged failed or interrupted with nothing else to
 * show for it (e.g. no test files). So the line never says 0 failed when the run broke.
 */
export function countRun(
  testModules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<SerializedError>,
  reason: TestRunEndReason,
): RunCounts {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const testModule of testModules) {
    let testsInModule = 0;
    let failedInModule = 0;
    for (const test of testModule.children.allTests()) {
      testsInModule++;
      const state = test.result().state;
      if (state === "passed") passed++;
      else if (state === "skipped") skipped++;
      else failedInModule++; // failed, or pending: it never finished
    }
    failedInModule += [testModule, ...testModule.children.allSuites()].filter(
      (s) => s.errors().length > 0,
    ).length;
    const state = testModule.state();
    const brokeWithoutReport = state === "failed" || !testModule.ok();
    const neverRan = testsInModule === 0 && (state === "queued" || state === "pending");
    if (failedInModule === 0 && (brokeWithoutReport || neverRan)) failedInModule = 1;
    failed += failedInModule;
  }
  failed += unhandledErrors.length;
  if (reason !== "passed" && failed === 0) failed = 1;
  return { passed, failed, skipped };
}

/** The closing line: `N passed, N failed`, with `, N skipped` when any were skipped. */
export function formatCounts(counts: RunCounts): string {
  const line = `${counts.passed} passed, ${counts.failed} failed`;
  return counts.skipped > 0 ? `${line}, ${counts.skipped} skipped` : line;
}

/** Vitest reporter printing the closing line after the default reporter's summary. */
export default class SummaryReporter implements Reporter {
  private log: (line: string) => void = (line) => process.stdout.write(`${line}\n`);

  onInit(vitest: Vitest): void {
    this.log = (line) => vitest.logger.log(line);
  }

  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): void {
    this.log(formatCounts(countRun(testModules, unhandledErrors, reason)));
  }
}
