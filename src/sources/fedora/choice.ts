// The Fedora source's pure choices: config checks, what the lock records, and which builds a
// range or a pin admits. No I/O.
import type { FedoraSourceConfig } from "../../config/types.js";
import { SourceError } from "../../errors.js";
import type { LockedEmulator, LockedPackage, SourceLock } from "../lock.js";
import type { CachedBlob } from "../cache.js";
import type { PrimaryPackage } from "./primary.js";
import { compareEvr, formatEvr, parseEvr } from "./version.js";
import { satisfiesRange } from "../../config/version-policy.js";
import { upstreamOfPackageVersion } from "../../currency/qemu-version.js";

// Why: an emulator name becomes a file name and a package member path.
export const EMULATOR_NAME = /^qemu-[a-z0-9_]+$/;

/** A package chosen from a repository, with the path of its file relative to the mirror. */
export interface Choice {
  readonly entry: PrimaryPackage;
  readonly filename: string;
  readonly repository: string;
}

// Why: a bad release, pin or mirror fails before any request.
/** Refuses a config the source cannot use. */
export function validateConfig(config: FedoraSourceConfig): void {
  if (!Number.isSafeInteger(config.release) || config.release < 1)
    throw new SourceError(
      `source.release ${JSON.stringify(config.release)} is not a Fedora release number`,
    );
  if (config.version !== undefined && parseEvr(config.version) === null) {
    throw new SourceError(
      `source.version ${JSON.stringify(config.version)} is not an RPM version-release`,
      { hint: 'write it as dnf shows it, e.g. "9.1.2-3.fc41" (with "2:" in front for an epoch)' },
    );
  }
  if (config.mirror !== undefined && !/^https?:\/\/[^/]/i.test(config.mirror))
    throw new SourceError(
      `Mirror ${JSON.stringify(config.mirror)} is not an http:// or https:// URL`,
    );
}

/** The lock's `source` record: what must be equal for a lock to apply (not the mirror or key). */
// Why: a lock applies only to the config that made it.
export function lockSourceFor(config: FedoraSourceConfig): Record<string, string | boolean> {
  const source: Record<string, string | boolean> = {
    type: "fedora",
    release: String(config.release),
  };
  if (config.version !== undefined) source.version = config.version;
  // Recorded when set, so that changing the range resolves again.
  if (config.qemu !== undefined) source.qemu = config.qemu;
  return source;
}

/** Whether a build's upstream QEMU version satisfies the range (always, without one). */
// Why: the version policy (issue 19) filters builds by upstream QEMU version.
export function withinRange(entry: PrimaryPackage, range: string | undefined): boolean {
  if (range === undefined) return true;
  const upstream = upstreamOfPackageVersion(entry.evr.version);
  return upstream !== undefined && satisfiesRange(upstream.semver, range);
}

/** Whether `evr` is what the pin names; a pin without an epoch matches any epoch. */
// Why: users copy versions from dnf, with or without the epoch.
export function matchesPin(entry: PrimaryPackage, pin: string): boolean {
  const wanted = parseEvr(pin);
  if (wanted === null) return false;
  const epochGiven = /^\d+:/.test(pin.trim());
  return (
    entry.evr.version === wanted.version &&
    entry.evr.release === wanted.release &&
    (!epochGiven || entry.evr.epoch === wanted.epoch)
  );
}

// Why: the lock records exactly what was verified.
/** The lock record of a chosen package. */
export function toLocked(choice: Choice): LockedPackage {
  const { entry } = choice;
  return {
    package: entry.name,
    version: formatEvr(entry.evr),
    architecture: entry.arch,
    filename: choice.filename,
    size: entry.size,
    sha256: entry.sha256,
  };
}

/** The index entry a locked package stands for (to verify a re-download against). */
// Why: a locked package is re-verified like a fresh index entry.
export function fromLocked(pkg: LockedPackage): PrimaryPackage {
  const evr = parseEvr(pkg.version);
  if (evr === null)
    throw new SourceError(
      `The lock file records ${pkg.package} with version ${JSON.stringify(pkg.version)}, which is not an RPM version`,
      { hint: "run with --upgrade to resolve again" },
    );
  return {
    name: pkg.package,
    arch: pkg.architecture,
    evr,
    sha256: pkg.sha256,
    size: pkg.size,
    href: pkg.filename,
  };
}

// Why: an exact pin wins but must satisfy the range; otherwise the newest build within it.
/** The build of `name` to install among `ofName` (one package's candidates), or a clear error. */
export function chooseBuild(
  ofName: readonly Choice[],
  name: string,
  config: Pick<FedoraSourceConfig, "version" | "qemu">,
  where: string,
): Choice {
  const pin = config.version;
  const range = config.qemu;
  const available = () =>
    [...new Set(ofName.map((c) => formatEvr(c.entry.evr)))].join(", ") || "none";
  let choice: Choice | undefined;
  if (pin !== undefined) {
    choice = ofName.find((c) => matchesPin(c.entry, pin));
    if (choice === undefined) {
      throw new SourceError(`${where} has no ${name} version ${pin}`, {
        hint: `available: ${available()}; change source.version or remove it`,
      });
    }
    if (!withinRange(choice.entry, range))
      throw new SourceError(
        `source.version ${pin} is outside source.qemu ${JSON.stringify(range)}`,
        { hint: "change the pin or the range, or remove one of them" },
      );
  } else {
    for (const candidate of ofName)
      if (
        withinRange(candidate.entry, range) &&
        (choice === undefined || compareEvr(candidate.entry.evr, choice.entry.evr) > 0)
      )
        choice = candidate;
    if (choice === undefined && ofName.length > 0)
      throw new SourceError(`${where} offers no ${name} satisfying qemu ${JSON.stringify(range)}`, {
        hint: `available: ${available()}; widen source.qemu or use a newer source.release`,
      });
    if (choice === undefined)
      throw new SourceError(`${where} has no package ${name}`, {
        hint: "check source.release; Fedora splits the static emulators into qemu-user-static-<family> packages since Fedora 37",
      });
  }
  return choice;
}

// Why: a lock changes only where needed; what it records and is not wanted now stays.
/** The lock after resolving: `lock` is the one that applied (null when none did). */
export function lockAfterResolution(
  lock: SourceLock | null,
  source: Record<string, string | boolean>,
  used: ReadonlyMap<string, LockedPackage>,
  blobs: ReadonlyMap<string, CachedBlob>,
  packageOf: ReadonlyMap<string, string>,
): SourceLock {
  // With a lock that applies, what it records and is not wanted now stays: the lock changes only where needed.
  const packages = new Map<string, LockedPackage>(
    lock !== null ? lock.packages.map((p) => [p.package, p]) : [],
  );
  for (const [name, pkg] of used) packages.set(name, pkg);
  const emulatorsRecord: Record<string, LockedEmulator> = {};
  if (lock !== null) {
    for (const [name, entry] of Object.entries(lock.emulators))
      if (
        packages.get(entry.package)?.sha256 ===
        lock.packages.find((p) => p.package === entry.package)?.sha256
      )
        emulatorsRecord[name] = entry;
  }
  for (const [emulator, blob] of blobs)
    emulatorsRecord[emulator] = {
      sha256: blob.sha256,
      size: blob.size,
      package: packageOf.get(emulator) as string,
    };
  const kept = new Set(Object.values(emulatorsRecord).map((e) => e.package));
  const lockAfter: SourceLock = {
    lockfileVersion: 1,
    source,
    packages: [...packages.values()].filter((p) => kept.has(p.package)),
    emulators: emulatorsRecord,
  };
  return lockAfter;
}
