// What "current" means today for the defaults qus writes (`qus init`, the README): the newest
// Debian stable with its backports, a supported Fedora release, and the narrowest QEMU range that
// avoids every known issue affecting all targets. Update these when Debian or Fedora release.
import minVersion from "semver/ranges/min-version.js";
import { KNOWN_ISSUES } from "./known-issues.js";

/** The newest Debian stable (13). */
export const CURRENT_DEBIAN_STABLE = "trixie";

// Why: backports carries the newer QEMU (11.1 today) while stable keeps 10.0 with security updates.
/** The suites a starter Debian config lists: stable's backports, then stable itself. */
export const CURRENT_DEBIAN_SUITES: readonly string[] = [
  `${CURRENT_DEBIAN_STABLE}-backports`,
  CURRENT_DEBIAN_STABLE,
];

/** A supported Fedora release (41 and 42 are past end of life). */
export const CURRENT_FEDORA_RELEASE = 44;

// Why: the starter's range follows the known-issues table instead of a number typed twice.
/** The avoiding range of the known issue that affects every target and is fixed latest, e.g. ">=9.2.0". */
export function currentQemuRange(): string {
  let best: { range: string; floor: string } | undefined;
  for (const issue of KNOWN_ISSUES) {
    if (issue.targets !== "all") continue;
    const floor = minVersion(issue.avoidedBy)?.version;
    if (floor === undefined) continue;
    if (best === undefined || compareVersions(floor, best.floor) > 0)
      best = { range: issue.avoidedBy, floor };
  }
  return best?.range ?? "*";
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
