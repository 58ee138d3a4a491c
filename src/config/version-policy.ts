// The checks of a source's version policy that the schema cannot express: `qemu` must be a
// range semver can read, a suite is listed once, and an exact `version` pin must satisfy the
// range (a pin outside it could never be installed, so it is refused before any download).
import satisfies from "semver/functions/satisfies.js";
import validRange from "semver/ranges/valid.js";
import { upstreamOfPackageVersion } from "../currency/qemu-version.js";
import { quote } from "./quote.js";

/** Reports one problem at a JSON pointer. */
export type ReportProblem = (pointer: string, text: string) => void;

// Why: a typo in a range would otherwise only show up as "no candidate" after downloads.
/** Checks `source.qemu`, `source.suite` (a list) and the pin against the range. */
export function checkVersionPolicy(source: Record<string, unknown>, report: ReportProblem): void {
  if (Array.isArray(source.suite)) checkSuiteList(source.suite, report);
  const range = source.qemu;
  if (typeof range !== "string" || !/^[0-9A-Za-z.*<>=^~|+ -]+$/.test(range)) return;
  if (validRange(range) === null) {
    report(
      "/source/qemu",
      `${quote(range)} is not a version range qus can read; write it like ">=9.2", "^10.2" or ">=9.2 <12"`,
    );
    return;
  }
  const pin = source.version;
  if (typeof pin !== "string") return;
  const upstream = upstreamOfPackageVersion(pin);
  if (upstream === undefined) return;
  if (!satisfiesRange(upstream.semver, range)) {
    report(
      "/source/version",
      `${quote(pin)} is QEMU ${upstream.text}, outside qemu ${quote(range)}; change the pin or the range, or remove one of them`,
    );
  }
}

// Why: one comparison rule for config checks and source selection (pre-releases count).
/** Whether an upstream semver version satisfies a range (pre-releases included). */
export function satisfiesRange(version: string, range: string): boolean {
  return satisfies(version, range, { includePrerelease: true });
}

function checkSuiteList(suites: readonly unknown[], report: ReportProblem): void {
  const seen = new Map<string, number>();
  suites.forEach((suite, index) => {
    if (typeof suite !== "string") return;
    const earlier = seen.get(suite);
    if (earlier !== undefined)
      report(
        `/source/suite/${index}`,
        `${quote(suite)} is already listed as suite[${earlier}]; list each suite once`,
      );
    else seen.set(suite, index);
  });
}
