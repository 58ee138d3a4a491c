// Where the Debian source downloads from, and getting a .deb and the emulators already taken out
// of it: from the blob cache when there, else from the mirror, verified by size and SHA-256.
import { SourceError } from "../../errors.js";
import type { BlobCache, CachedBlob } from "../cache.js";
import { downloadToCache, HttpStatusError, type DownloadPolicy } from "../download.js";
import type { LockedEmulator, LockedPackage } from "../lock.js";
import type { SourceContext } from "../types.js";
import { mirrorUrl } from "./dist.js";
import type { DebianMirrors } from "./find-package.js";
import { hostDebianMirrors } from "../apt-sources.js";
import type { DebianSourceConfig } from "./config.js";

// Why: the mirror is looked up only when the network is needed; a locked, cached run reads no APT file.
/** The configured mirrors, else the host's APT sources' Debian mirror; none at all is an error. */
export async function debianMirrorsFor(
  config: DebianSourceConfig,
  aptRoot: string,
): Promise<DebianMirrors> {
  if (config.mirror !== undefined)
    return { mirror: config.mirror, securityMirror: config.securityMirror ?? config.mirror };
  // The first listed suite names the host's mirror entry (one mirror serves every suite).
  const host = await hostDebianMirrors(config.suites[0] ?? "", aptRoot);
  if (host.mirror === null) {
    throw new SourceError("No Debian mirror configured and none found in this host's APT sources", {
      hint: "set source.mirror to a Debian mirror URL (the directory that holds dists/ and pool/)",
    });
  }
  return {
    mirror: host.mirror,
    securityMirror: config.securityMirror ?? host.securityMirror ?? host.mirror,
  };
}

// Why: emulators extracted before are reused, so a .deb is fetched only for the ones missing.
/** Splits the wanted emulators into those whose recorded blob is cached and those still missing. */
export async function cachedEmulators(
  wanted: readonly string[],
  recorded: (emulator: string) => LockedEmulator | undefined,
  cache: BlobCache,
): Promise<{ blobs: Map<string, CachedBlob>; missing: string[] }> {
  const blobs = new Map<string, CachedBlob>();
  const missing: string[] = [];
  for (const emulator of wanted) {
    const locked = recorded(emulator);
    const path = locked === undefined ? null : await cache.get(locked.sha256, locked.size);
    if (path !== null && locked !== undefined)
      blobs.set(emulator, { path, sha256: locked.sha256, size: locked.size });
    else missing.push(emulator);
  }
  return { blobs, missing };
}

function fileLabel(filename: string): string {
  return filename.split("/").pop() ?? filename;
}

// Why: a locked run must get exactly the locked bytes, wherever the archive moved them.
/** Re-downloads exactly the locked .deb (verified by size and SHA-256) from whichever mirror has it. */
export async function downloadLockedPackage(
  pkg: LockedPackage,
  cache: BlobCache,
  mirrors: () => Promise<DebianMirrors>,
  policy: DownloadPolicy,
  context: SourceContext,
): Promise<CachedBlob> {
  const cached = await cache.get(pkg.sha256, pkg.size);
  if (cached !== null) return { path: cached, sha256: pkg.sha256, size: pkg.size };
  const { mirror, securityMirror } = await mirrors();
  const bases = [
    ...new Set(
      pkg.filename.startsWith("pool/updates/")
        ? [securityMirror, mirror]
        : [mirror, securityMirror],
    ),
  ];
  for (const base of bases) {
    const url = mirrorUrl(base, pkg.filename);
    try {
      return await downloadToCache(
        { url, label: fileLabel(pkg.filename), onProgress: context.onProgress },
        cache,
        pkg,
        policy,
      );
    } catch (error) {
      if (!(error instanceof HttpStatusError && error.status === 404)) throw error;
    }
  }
  throw new SourceError(
    `The locked package ${pkg.package} ${pkg.version} (${pkg.filename}) is no longer on ${bases.join(" or ")}`,
    {
      hint: `run with --upgrade to resolve the current version and update ${context.lockFile}`,
    },
  );
}

// Why: an index that lists a file the mirror lacks is a mirror problem, said as such.
/** Downloads the .deb a verified index listed; a 404 says the mirror is incomplete. */
export async function downloadListedPackage(
  pkg: LockedPackage,
  mirror: string,
  dist: string,
  cache: BlobCache,
  policy: DownloadPolicy,
  context: SourceContext,
): Promise<CachedBlob> {
  const url = mirrorUrl(mirror, pkg.filename);
  try {
    return await downloadToCache(
      { url, label: fileLabel(pkg.filename), onProgress: context.onProgress },
      cache,
      pkg,
      policy,
    );
  } catch (error) {
    if (error instanceof HttpStatusError && error.status === 404) {
      throw new SourceError(
        `The mirror's ${dist} index lists ${pkg.filename}, but ${url} does not exist`,
        {
          cause: error,
          hint: "the mirror is being updated or is incomplete; try again later or use another mirror",
        },
      );
    }
    throw error;
  }
}
