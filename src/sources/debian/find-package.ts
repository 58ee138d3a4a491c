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
} from "./dist.js";

/** The mirror of the suite and of its security suite (often the same). */
export interface DebianMirrors {
  readonly mirror: string;
  readonly securityMirror: string;
}

async function candidatesOf(
  config: DebianSourceConfig,
  dist: { readonly name: string; readonly base: string; readonly security: boolean },
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
  const settled = await Promise.allSettled(
    dists.map((dist) => candidatesOf(config, dist, architecture, options)),
  );
  // Wait for every dist before failing, so no download is left running behind an error.
  const failed = settled.find(
    (result): result is PromiseRejectedResult => result.status === "rejected",
  );
  if (failed !== undefined) throw failed.reason;
  const choice = choosePackage(
    settled.flatMap((result) => (result.status === "fulfilled" ? result.value : [])),
    config.version,
  );
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
