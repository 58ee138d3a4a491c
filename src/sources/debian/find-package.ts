// Asks the archive which package and version to install: verifies each listed suite's (and its
// security suite's) InRelease (all of them before any index), reads their Packages indexes for the QEMU user-mode packages of
// this architecture, applies the package rule of choose-package.ts per suite, then takes the
// exact pin, or the newest version whose upstream QEMU satisfies the `qemu` range, across all.
import { satisfiesRange } from "../../config/version-policy.js";
import { upstreamOfPackageVersion } from "../../currency/qemu-version.js";
import { SourceError } from "../../errors.js";
import {
  EMULATOR_PACKAGES,
  newestCandidate,
  preferredCandidates,
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
import { describeOffers, type SuiteOffer } from "./offers.js";

/** The mirror of the suites and of their security suites (often the same). */
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

/** A listed suite and the dists it stands for (itself, then its security suite). */
function distsOf(config: DebianSourceConfig, suite: string, mirrors: DebianMirrors): Dist[] {
  const dists: Dist[] = [{ name: suite, base: mirrors.mirror, security: false }];
  if (securityEnabled(suite, config.security))
    dists.push({ name: `${suite}-security`, base: mirrors.securityMirror, security: true });
  return dists;
}

/** "Suite trixie (and trixie-security)" or "Suites trixie-backports, trixie (and trixie-security)". */
export function suitesPhrase(config: DebianSourceConfig): string {
  const security = config.suites
    .filter((suite) => securityEnabled(suite, config.security))
    .map((suite) => `${suite}-security`);
  const also = security.length > 0 ? ` (and ${security.join(", ")})` : "";
  return `${config.suites.length === 1 ? "Suite" : "Suites"} ${config.suites.join(", ")}${also}`;
}

/**
 * The package to install: exactly `config.version`, else the newest whose upstream QEMU
 * satisfies `config.qemu`, across every listed suite and its security suite; SourceError saying
 * what each suite offers otherwise.
 */
export async function findPackageInArchive(
  config: DebianSourceConfig,
  mirrors: DebianMirrors,
  architecture: string,
  options: DistOptions,
): Promise<Candidate> {
  const groups = config.suites.map((suite) => ({ suite, dists: distsOf(config, suite, mirrors) }));
  const dists = groups.flatMap((group) => group.dists);
  // Every InRelease is verified (signature, suite, Valid-Until) before any Packages index, the
  // large downloads, is fetched: an expired or missing suite costs one small request each.
  const verified = await allOrFirstError(dists.map((dist) => verifiedDist(config, dist, options)));
  const found = await allOrFirstError(
    dists.map((dist, i) => {
      const release = verified[i];
      return release == null
        ? Promise.resolve([])
        : candidatesOf(dist, release, architecture, options);
    }),
  );
  let next = 0;
  const offers: SuiteOffer[] = groups.map((group) => {
    const candidates = group.dists.flatMap(() => found[next++] ?? []);
    return { suite: group.suite, preferred: preferredCandidates(candidates) };
  });
  const usable = offers.flatMap((offer) => ("kind" in offer.preferred ? [] : offer.preferred));
  const where = suitesPhrase(config);
  if (usable.length === 0) throw noPackage(offers, where, architecture);
  const range = config.qemu;
  if (config.version !== undefined) {
    const pinned = usable.find((c) => c.stanza.version === config.version);
    if (pinned === undefined) {
      throw new SourceError(
        `${where} has no QEMU user-mode package version ${config.version} for ${architecture}`,
        { hint: `available: ${describeOffers(offers)}; change source.version or remove it` },
      );
    }
    if (range !== undefined && !satisfiesVersion(pinned, range)) {
      throw new SourceError(
        `source.version ${config.version} is outside source.qemu ${JSON.stringify(range)}`,
        { hint: "change the pin or the range, or remove one of them" },
      );
    }
    return pinned;
  }
  const acceptable =
    range === undefined ? usable : usable.filter((c) => satisfiesVersion(c, range));
  const newest = newestCandidate(acceptable);
  if (newest !== undefined) return newest;
  throw new SourceError(
    `${where} offer${config.suites.length === 1 ? "s" : ""} no QEMU satisfying qemu ${JSON.stringify(range)} for ${architecture}`,
    {
      hint: `available: ${describeOffers(offers)}; widen source.qemu or list a suite that has a newer QEMU (e.g. a backports suite)`,
    },
  );
}

function satisfiesVersion(candidate: Candidate, range: string): boolean {
  const upstream = upstreamOfPackageVersion(candidate.stanza.version);
  return upstream !== undefined && satisfiesRange(upstream.semver, range);
}

function noPackage(
  offers: readonly SuiteOffer[],
  where: string,
  architecture: string,
): SourceError {
  const transitional = offers.some(
    (offer) => "kind" in offer.preferred && offer.preferred.kind === "only-transitional",
  );
  const detail = transitional
    ? `: ${STATIC_PACKAGE} there only links to ${USER_PACKAGE}, which is missing`
    : "";
  return new SourceError(
    `${where} ha${offers.length === 1 ? "s" : "ve"} no package ${STATIC_PACKAGE} or ${USER_PACKAGE} for arch ${architecture}${detail}`,
  );
}
