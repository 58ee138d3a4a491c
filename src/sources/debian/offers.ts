// What each listed suite offers, in words, for the errors that say why nothing could be chosen
// (`trixie: qemu-user 1:10.0.13+ds-0+deb13u1 (QEMU 10.0.13); bookworm-backports: none`). Pure.
import { upstreamOfPackageVersion } from "../../currency/qemu-version.js";
import type { Candidate, preferredCandidates } from "./choose-package.js";
import { compareDebianVersions } from "./version.js";

/** One listed suite and the candidates its package rule kept (or why there are none). */
export interface SuiteOffer {
  readonly suite: string;
  readonly preferred: ReturnType<typeof preferredCandidates>;
}

// Why: "no candidate satisfies the range" is only actionable with what there is instead.
/** Every suite's offers, newest first, with the upstream QEMU version of each. */
export function describeOffers(offers: readonly SuiteOffer[]): string {
  return offers
    .map((offer) => {
      if ("kind" in offer.preferred) return `${offer.suite}: none`;
      const versions = [...offer.preferred]
        .sort((a, b) => compareDebianVersions(b.stanza.version, a.stanza.version))
        .map(describeCandidate);
      return `${offer.suite}: ${[...new Set(versions)].join(", ")}`;
    })
    .join("; ");
}

function describeCandidate(candidate: Candidate): string {
  const upstream = upstreamOfPackageVersion(candidate.stanza.version);
  const qemu = upstream === undefined ? "" : ` (QEMU ${upstream.text})`;
  const from = candidate.dist.endsWith("-security") ? ` in ${candidate.dist}` : "";
  return `${candidate.stanza.package} ${candidate.stanza.version}${qemu}${from}`;
}
