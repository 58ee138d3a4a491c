// Asks the archive which package and version to install: verifies each listed suite's (and its
// security suite's) InRelease, reads their Packages indexes for the QEMU user-mode packages of
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
} from "./dist.js";
import { describeOffers, type SuiteOffer } from "./offers.js";

/** The mirror of the suites and of their security suites (often the same). */
export interface DebianMirrors {
  readonly mirror: string;
  readonly securityMirror: string;
}

interface Dist {
  readonly name: string;
  readonly base: string;
  readonly security: boolean;
}

async function candidatesOf(
  config: DebianSourceConfig,
  dist: Dist,
  architecture: string,
  options: DistOptions,
): Promise<Candidate[]> {
  let verified;
  try {
    verified = await fetchVerifiedDist(dist.base, dist.name, options);
  } catch (error) {
    // A security suite that does not exist is expected unless the user asked for it.
    if (dist.security && config.security === undefined && error instanceof DistNotFoundError) {
      options.onWarning?.(
        `${error.message}; continuing without security updates (set source.security: false to silence this)`,
      );
      return [];
    }
    throw error;
  }
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
  const settled = await Promise.allSettled(
    groups.flatMap((group) =>
      group.dists.map((dist) => candidatesOf(config, dist, architecture, options)),
    ),
  );
  // Wait for every dist before failing, so no download is left running behind an error.
  const failed = settled.find(
    (result): result is PromiseRejectedResult => result.status === "rejected",
  );
  if (failed !== undefined) throw failed.reason;
  const found = settled.map((result) => (result.status === "fulfilled" ? result.value : []));
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
