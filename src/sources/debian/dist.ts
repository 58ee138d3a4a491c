// Fetches one dist's metadata through the trust chain: InRelease (signature verified, suite
// name and Valid-Until checked) -> the Packages index named in it (size and SHA-256 from the
// signed text, fetched by hash when the archive offers it) -> the stanzas qus needs.
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { SourceError } from "../../errors.js";
import {
  decompress,
  DecompressionError,
  type Compression,
  type DecompressOptions,
} from "../archive/decompress.js";
import type { BlobCache } from "../cache.js";
import { downloadToCache, fetchBytes, HttpStatusError, type DownloadPolicy } from "../download.js";
import { countedChunks, inPhase } from "../phases.js";
import type { PhaseEvent, ProgressEvent } from "../types.js";
import { findPackageStanzas, PackagesFormatError, type PackageStanza } from "./packages-index.js";
import { parseRelease, ReleaseFormatError, type IndexDigest, type ReleaseInfo } from "./release.js";
import { verifyClearSigned, type Keyring } from "./signature.js";

/** Largest InRelease accepted (Debian's main one is about 150 KB). */
const MAX_INRELEASE_BYTES = 32 * 1024 * 1024;

/** What fetching a dist needs besides the mirror and the dist name. */
export interface DistOptions {
  readonly keyring: () => Promise<Keyring>;
  readonly cache: BlobCache;
  readonly policy: DownloadPolicy;
  readonly now: Date;
  /** An exact version pin waives an expired Valid-Until (with a warning). */
  readonly pinned: boolean;
  readonly decompress?: DecompressOptions;
  readonly onProgress?: (event: ProgressEvent) => void;
  readonly onPhase?: (event: PhaseEvent) => void;
  readonly onWarning?: (message: string) => void;
}

/** A dist's verified Release. */
export interface VerifiedDist {
  readonly mirror: string;
  readonly dist: string;
  readonly url: string;
  readonly release: ReleaseInfo;
}

/** The dist (its InRelease) does not exist on the mirror. */
export class DistNotFoundError extends SourceError {}

/** `<mirror>/<path>` with exactly one slash between them. */
export function mirrorUrl(mirror: string, path: string): string {
  return `${mirror.replace(/\/+$/, "")}/${encodeURI(path)}`;
}

/** Downloads and verifies `dists/<dist>/InRelease`; checks the suite name and Valid-Until. */
export async function fetchVerifiedDist(
  mirror: string,
  dist: string,
  options: DistOptions,
): Promise<VerifiedDist> {
  const url = mirrorUrl(mirror, `dists/${dist}/InRelease`);
  let bytes: Uint8Array;
  try {
    bytes = await fetchBytes(
      { url, label: `${dist} InRelease`, onProgress: options.onProgress },
      { ...options.policy, maxBytes: Math.min(options.policy.maxBytes, MAX_INRELEASE_BYTES) },
    );
  } catch (error) {
    if (error instanceof HttpStatusError && error.status === 404) {
      throw new DistNotFoundError(`Unknown suite ${dist}: the mirror has no ${url}`, {
        cause: error,
        hint: "check source.suite (a Debian codename such as bookworm or trixie) and source.mirror",
      });
    }
    throw error;
  }
  const keyring = await options.keyring();
  let signer = "";
  const text = await inPhase(
    options.onPhase,
    "verify",
    `${dist} InRelease`,
    () =>
      verifyClearSigned(Buffer.from(bytes).toString("utf8"), keyring, url, (keyId) => {
        signer = keyId;
      }),
    () => `good signature by key ${signer}`,
  );
  let release: ReleaseInfo;
  try {
    release = parseRelease(text);
  } catch (error) {
    if (error instanceof ReleaseFormatError)
      throw new SourceError(`${url} is signed but unreadable: ${error.message}`, { cause: error });
    throw error;
  }
  if (release.codename !== dist && release.suite !== dist) {
    throw new SourceError(
      `${url} describes suite ${release.codename ?? release.suite ?? "(unnamed)"}, not ${dist}; refusing it`,
      {
        hint: "the mirror serves another suite's metadata under this name",
      },
    );
  }
  if (release.validUntil !== undefined && options.now.getTime() > release.validUntil.getTime()) {
    const expired = `${url} expired on ${release.validUntil.toISOString()} (Valid-Until)`;
    if (!options.pinned) {
      throw new SourceError(`${expired}; refusing possibly outdated metadata`, {
        hint: "use an up-to-date mirror; to install from an old snapshot on purpose, pin source.version",
      });
    }
    options.onWarning?.(`${expired}; accepted because source.version pins an exact version`);
  }
  return { mirror, dist, url, release };
}

const INDEX_CANDIDATES: ReadonlyArray<{ suffix: string; compression: Compression }> = [
  { suffix: ".xz", compression: "xz" },
  { suffix: ".gz", compression: "gzip" },
  { suffix: "", compression: "none" },
];

/** Where the binary index for `architecture` is, per the Release's own list; null when absent. */
export function findIndex(
  release: ReleaseInfo,
  architecture: string,
): { path: string; digest: IndexDigest; compression: Compression } | null {
  for (const component of ["main", "updates/main"]) {
    for (const { suffix, compression } of INDEX_CANDIDATES) {
      const path = `${component}/binary-${architecture}/Packages${suffix}`;
      const digest = release.sha256.get(path);
      if (digest !== undefined) return { path, digest, compression };
    }
  }
  return null;
}

/**
 * Fetches the dist's Packages index for `architecture` (verified against the Release) and
 * returns the stanzas of `names`. Null when the Release lists no index for that architecture.
 */
export async function fetchPackageStanzas(
  dist: VerifiedDist,
  architecture: string,
  names: ReadonlySet<string>,
  options: DistOptions,
): Promise<PackageStanza[] | null> {
  const index = findIndex(dist.release, architecture);
  if (index === null) return null;
  const base = `dists/${dist.dist}/`;
  const plainUrl = mirrorUrl(dist.mirror, `${base}${index.path}`);
  const label = `${dist.dist} ${index.path}`;
  const target = (url: string) => ({ url, label, onProgress: options.onProgress });
  let blob;
  if (dist.release.acquireByHash) {
    const directory = index.path.slice(0, index.path.lastIndexOf("/"));
    const byHashUrl = mirrorUrl(
      dist.mirror,
      `${base}${directory}/by-hash/SHA256/${index.digest.sha256}`,
    );
    try {
      blob = await downloadToCache(target(byHashUrl), options.cache, index.digest, options.policy);
    } catch (error) {
      if (!(error instanceof HttpStatusError && error.status === 404)) throw error;
    }
  }
  blob ??= await downloadToCache(target(plainUrl), options.cache, index.digest, options.policy);
  const indexBlob = blob;
  try {
    return await inPhase(
      options.onPhase,
      "index",
      label,
      (onRead) =>
        findPackageStanzas(
          decompress(
            Readable.from(countedChunks(createReadStream(indexBlob.path), onRead), {
              objectMode: false,
            }),
            index.compression,
            options.decompress,
          ),
          names,
        ),
      describeFound,
      indexBlob.size,
    );
  } catch (error) {
    if (error instanceof PackagesFormatError || error instanceof DecompressionError) {
      throw new SourceError(`${plainUrl} (verified) cannot be read: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** "found qemu-user-static 1:7.2+dfsg-7", for the progress display. */
function describeFound(stanzas: readonly PackageStanza[]): string {
  if (stanzas.length === 0) return "no QEMU user-mode package";
  return `found ${stanzas.map((s) => `${s.package} ${s.version}`).join(", ")}`;
}
