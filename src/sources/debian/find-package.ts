// Asks the archive which package and version to install: verifies the suite's (and its
// security suite's) InRelease, reads their Packages indexes for the QEMU user-mode packages of
// this architecture, and applies the package rule and version choice of choose-package.ts.
import { SourceError } from "../../errors.js";
import {
  choosePackage,
  EMULATOR_PACKAGES,
  isCandidate,
  STATIC_PACKAGE,
  USER_PACKAGE,
  type Candidate,
} from "./choose-package.js";
import { securityEnabled, type DebianSourceConfig } from "./config.js";
import {
  DistNotFoundError,
  fetchPackageStanzas,
  fetchVerifiedDist,
  type DistOptions,
  type VerifiedDist,
} from "./dist.js";

/** The mirror of the suite and of its security suite (often the same). */
export interface DebianMirrors {
  readonly mirror: string;
  readonly securityMirror: string;
}

type Dist = { readonly name: string; readonly base: string; readonly security: boolean };

/** The dist's verified InRelease; null for a security suite that does not exist (with a warning). */
async function verifiedDist(
  config: DebianSourceConfig,
  dist: Dist,
  options: DistOptions,
): Promise<VerifiedDist | null> {
  try {
    return await fetchVerifiedDist(dist.base, dist.name, options);
  } catch (error) {
    // A security suite that does not exist is expected unless the user asked for it.
    if (dist.security && config.security === undefined && error instanceof DistNotFoundError) {
      options.onWarning?.(
        `${error.message}; continuing without security updates (set source.security: false to silence this)`,
      );
      return null;
    }
    throw error;
  }
}

async function candidatesOf(
  dist: Dist,
  verified: VerifiedDist,
  architecture: string,
  options: DistOptions,
): Promise<Candidate[]> {
  const stanzas = await fetchPackageStanzas(verified, architecture, EMULATOR_PACKAGES, options);
  if (stanzas === null) {
    if (dist.security) return [];
    const known = verified.release.architectures.join(" ");
    throw new SourceError(
      `Suite ${dist.name} has no packages for architecture ${architecture} (${verified.url} lists: ${known || "none"})`,
    );
  }
  return stanzas
    .filter((s) => s.architecture === architecture)
    .map((stanza): Candidate => ({ stanza, dist: dist.name, mirror: dist.base }));
}

/** Settles every promise, then throws the first failure: no download is left running behind an error. */
async function allOrFirstError<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find(
    (result): result is PromiseRejectedResult => result.status === "rejected",
  );
  if (failed !== undefined) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<T>).value);
}

/**
 * The package to install, newest (or exactly `config.version`) across `<suite>` and
 * `<suite>-security`; SourceError saying what the archive lacks otherwise.
 */
export async function findPackageInArchive(
  config: DebianSourceConfig,
  mirrors: DebianMirrors,
  architecture: string,
  options: DistOptions,
): Promise<Candidate> {
  const dists = [{ name: config.suite, base: mirrors.mirror, security: false }];
  if (securityEnabled(config))
    dists.push({ name: `${config.suite}-security`, base: mirrors.securityMirror, security: true });
  // Every InRelease is verified (signature, suite, Valid-Until) before any Packages index, the
  // large downloads, is fetched: an expired or missing suite costs one small request each.
  const verified = await allOrFirstError(dists.map((dist) => verifiedDist(config, dist, options)));
  const candidates = await allOrFirstError(
    dists.map((dist, i) => {
      const release = verified[i];
      return release == null
        ? Promise.resolve([])
        : candidatesOf(dist, release, architecture, options);
    }),
  );
  const choice = choosePackage(candidates.flat(), config.version);
  if (isCandidate(choice)) return choice;
  const where = `Suite ${config.suite}${securityEnabled(config) ? ` (and ${config.suite}-security)` : ""}`;
  if (choice.kind === "pin-not-found") {
    throw new SourceError(
      `${where} has no QEMU user-mode package version ${config.version} for ${architecture}`,
      {
        hint: `available: ${choice.available.join(", ") || "none"}; change source.version or remove it`,
      },
    );
  }
  const detail =
    choice.kind === "only-transitional"
      ? `: ${STATIC_PACKAGE} there only links to ${USER_PACKAGE}, which is missing`
      : "";
  throw new SourceError(
    `${where} has no package ${STATIC_PACKAGE} or ${USER_PACKAGE} for arch ${architecture}${detail}`,
  );
}
