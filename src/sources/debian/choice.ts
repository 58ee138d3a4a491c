// The Debian source's pure choices: config checks, the wanted emulator names, what the lock
// records and how a package is described. No I/O.
import { SourceError } from "../../errors.js";
import type { LockedPackage } from "../lock.js";
import { securityEnabled, type DebianSourceConfig } from "./config.js";
import { isValidDebianVersion } from "./version.js";
import validRange from "semver/ranges/valid.js";

const SUITE_NAME = /^[A-Za-z0-9][A-Za-z0-9.+_-]*$/;
const EMULATOR_NAME = /^qemu-[a-z0-9_]+$/;

function isValidRange(range: string): boolean {
  return validRange(range) !== null;
}

// Why: a bad suite, range, pin or mirror fails before any request.
/** Refuses a config the source cannot use. */
export function validateConfig(config: DebianSourceConfig): void {
  if (config.suites.length === 0) throw new SourceError("source.suite lists no Debian suite");
  for (const suite of config.suites) {
    if (!SUITE_NAME.test(suite))
      throw new SourceError(`source.suite ${JSON.stringify(suite)} is not a Debian suite name`);
  }
  if (config.qemu !== undefined && !isValidRange(config.qemu)) {
    throw new SourceError(`source.qemu ${JSON.stringify(config.qemu)} is not a version range`, {
      hint: 'write it like ">=9.2", "^10.2" or ">=9.2 <12"',
    });
  }
  if (config.version !== undefined && !isValidDebianVersion(config.version)) {
    throw new SourceError(
      `source.version ${JSON.stringify(config.version)} is not a valid Debian version`,
      {
        hint: 'write the exact version as apt shows it, e.g. "1:7.2+dfsg-7+deb12u18+b3"',
      },
    );
  }
  for (const url of [config.mirror, config.securityMirror]) {
    if (url !== undefined && !/^https?:\/\/[^/]/i.test(url)) {
      throw new SourceError(`Mirror ${JSON.stringify(url)} is not an http:// or https:// URL`);
    }
  }
}

// Why: an emulator name becomes a file name and a package member path.
/** The wanted emulators without repeats; refuses a name that is not a QEMU emulator program. */
export function wantedEmulators(emulators: readonly string[]): string[] {
  const wanted = [...new Set(emulators)];
  for (const emulator of wanted) {
    if (!EMULATOR_NAME.test(emulator))
      throw new SourceError(`${JSON.stringify(emulator)} is not a QEMU emulator program name`);
  }
  return wanted;
}

// Why: the lock applies only while the config that produced it is unchanged.
/**
 * The lock's `source` record: what must be equal for a lock to apply (not the mirror). A list
 * of suites is recorded in sorted order (their order does not change what is chosen); the
 * `qemu` range is recorded when set, so changing it resolves again.
 */
export function lockSourceFor(config: DebianSourceConfig): Record<string, string | boolean> {
  const source: Record<string, string | boolean> = {
    type: "debian",
    suite: [...config.suites].sort().join(","),
    security: config.suites.some((suite) => securityEnabled(suite, config.security)),
  };
  if (config.version !== undefined) source.version = config.version;
  if (config.qemu !== undefined) source.qemu = config.qemu;
  return source;
}

// Why: plan output names the package the same way whether it came from the archive or the lock.
/** Where the emulators came from, the same whether resolved from the archive or the lock. */
export function describePackage(pkg: LockedPackage, suites: readonly string[]): string {
  return `${pkg.package} ${pkg.version} (debian ${suites.join(", ")})`;
}
