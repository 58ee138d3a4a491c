// Decides, from the verified indexes alone, which package holds the static emulators and which
// version to install. Debian moved them: up to bookworm `qemu-user-static` holds regular files
// `/usr/bin/qemu-<t>-static` (its `qemu-user` is dynamically linked); from trixie on `qemu-user`
// holds static `/usr/bin/qemu-<t>` and `qemu-user-static` is a transitional package of symlinks
// that Depends on qemu-user (forky/sid drop it). The rule, with no list of suite names:
//   1. a `qemu-user-static` that does not depend on `qemu-user` (and is big enough to hold an
//      emulator) is the real thing: use it, file names `usr/bin/qemu-<t>-static`;
//   2. otherwise use `qemu-user`, file names `usr/bin/qemu-<t>`.
// The extractor backs this up: it refuses links and dynamically linked programs, so a wrong
// guess fails loudly instead of installing something that does not work. Pure.
import { compareDebianVersions } from "./version.js";
import type { PackageStanza } from "./packages-index.js";

/** Debian <= bookworm: static emulators named qemu-<t>-static (trixie: links only). */
export const STATIC_PACKAGE = "qemu-user-static";
/** Debian >= trixie: static emulators named qemu-<t> (bookworm: dynamically linked). */
export const USER_PACKAGE = "qemu-user";
/** The packages whose index stanzas qus reads. */
export const EMULATOR_PACKAGES: ReadonlySet<string> = new Set([STATIC_PACKAGE, USER_PACKAGE]);

/** One emulator is 3 MB or more; a package installing less than this cannot hold one. */
const MIN_EMULATOR_PACKAGE_KIB = 1024;

/** A package stanza and where it was found. */
export interface Candidate {
  readonly stanza: PackageStanza;
  /** The dist whose index listed it (bookworm, bookworm-security...). */
  readonly dist: string;
  /** The mirror base URL its Filename is relative to. */
  readonly mirror: string;
}

/** True when the dependency field names `qemu-user` (with or without a version or arch qualifier). */
function dependsOnQemuUser(depends: string): boolean {
  return depends
    .split(/[,|]/)
    .map((part) => part.trim().split(/[\s(:]/)[0])
    .some((name) => name === USER_PACKAGE);
}

/** True for trixie's transitional qemu-user-static: only symlinks into qemu-user. */
export function isTransitionalStatic(stanza: PackageStanza): boolean {
  if (stanza.package !== STATIC_PACKAGE) return false;
  if (dependsOnQemuUser(stanza.depends)) return true;
  return (
    stanza.installedSizeKiB !== undefined && stanza.installedSizeKiB < MIN_EMULATOR_PACKAGE_KIB
  );
}

/** Path inside the package of the emulator program `emulator` (qemu-aarch64), per package layout. */
export function memberPathFor(packageName: string, emulator: string): string {
  return packageName === STATIC_PACKAGE ? `usr/bin/${emulator}-static` : `usr/bin/${emulator}`;
}

/** Why no candidate was chosen, for the caller's message. */
export type ChoiceFailure =
  | { readonly kind: "none" }
  | { readonly kind: "only-transitional" }
  | { readonly kind: "pin-not-found"; readonly available: readonly string[] };

// Why: with several suites, each applies the package rule on its own (bookworm's real
// qemu-user-static must not hide trixie's qemu-user), before versions are compared across them.
/** The candidates of the package the rule above prefers, or why there is none. */
export function preferredCandidates(
  candidates: readonly Candidate[],
): readonly Candidate[] | Exclude<ChoiceFailure, { kind: "pin-not-found" }> {
  if (candidates.length === 0) return { kind: "none" };
  const usable = candidates.filter(
    (c) => EMULATOR_PACKAGES.has(c.stanza.package) && !isTransitionalStatic(c.stanza),
  );
  if (usable.length === 0) return { kind: "only-transitional" };
  const hasStatic = usable.some((c) => c.stanza.package === STATIC_PACKAGE);
  return usable.filter((c) => c.stanza.package === (hasStatic ? STATIC_PACKAGE : USER_PACKAGE));
}

/** The newest candidate by Debian version; on equal versions the first one wins. */
export function newestCandidate(candidates: readonly Candidate[]): Candidate | undefined {
  let best: Candidate | undefined;
  for (const candidate of candidates) {
    if (
      best === undefined ||
      compareDebianVersions(candidate.stanza.version, best.stanza.version) > 0
    )
      best = candidate;
  }
  return best;
}

/**
 * Picks the package and version: the preferred package per the rule above, then the newest
 * version across all dists (or exactly `pin`). On equal versions the first candidate wins, so
 * callers list the main suite before its security suite.
 */
export function choosePackage(
  candidates: readonly Candidate[],
  pin?: string,
): Candidate | ChoiceFailure {
  const preferred = preferredCandidates(candidates);
  if ("kind" in preferred) return preferred;
  if (pin !== undefined) {
    const pinned = preferred.find((c) => c.stanza.version === pin);
    if (pinned !== undefined) return pinned;
    const available = [...new Set(preferred.map((c) => c.stanza.version))].sort(
      compareDebianVersions,
    );
    return { kind: "pin-not-found", available };
  }
  return newestCandidate(preferred) as Candidate;
}

/** Type guard: did choosePackage find a candidate? */
export function isCandidate(result: Candidate | ChoiceFailure): result is Candidate {
  return "stanza" in result;
}
