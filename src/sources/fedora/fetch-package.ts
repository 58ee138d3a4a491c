// Downloads one Fedora package, proves it (index SHA-256 and size, then the header signature and
// digests, or a SHA-256 pin) and extracts only the wanted emulators into the cache.
import { posix } from "node:path";
import { SourceError } from "../../errors.js";
import type { DecompressOptions } from "../archive/decompress.js";
import type { BlobCache, CachedBlob } from "../cache.js";
import { downloadToCache, HttpStatusError, type DownloadPolicy } from "../download.js";
import { extractedNames, inPhase } from "../phases.js";
import type { SourceContext } from "../types.js";
import type { Choice } from "./choice.js";
import { extractFromRpm } from "./extract.js";
import { fedoraMemberPath } from "./families.js";
import type { TrustedKeys } from "./keys.js";
import { joinUrl } from "./repository.js";
import { formatEvr } from "./version.js";
import { verifyPackage } from "./verify-package.js";

/** Where packages come from and how they are trusted. */
export interface PackageFetcher {
  readonly mirror: string;
  readonly policy: DownloadPolicy;
  /** source.sha256: file or package name -> SHA-256 accepted without a signature check. */
  readonly pins: Readonly<Record<string, string>> | undefined;
  /** The trusted keys, read on first need (a locked, cached run reads none). */
  readonly keys: () => Promise<TrustedKeys | null>;
  readonly decompress: DecompressOptions;
}

// Why: nothing from a package reaches the cache before its signature (or pin) is proved.
/** Downloads `choice`, verifies it, extracts `emulators`; `locked` words a 404 for a locked package. */
export async function fetchVerifyExtract(
  fetcher: PackageFetcher,
  choice: Choice,
  emulators: readonly string[],
  cache: BlobCache,
  context: SourceContext,
  locked: boolean,
): Promise<Map<string, CachedBlob>> {
  const { entry, filename } = choice;
  const url = joinUrl(fetcher.mirror, filename);
  const fileName = posix.basename(filename);
  let rpm: CachedBlob;
  try {
    rpm = await downloadToCache(
      { url, label: fileName, onProgress: context.onProgress },
      cache,
      entry,
      fetcher.policy,
    );
  } catch (error) {
    if (error instanceof HttpStatusError && error.status === 404) {
      throw new SourceError(
        locked
          ? `The locked package ${fileName} is no longer at ${url}`
          : `The ${choice.repository} index lists ${filename}, but ${url} does not exist`,
        {
          cause: error,
          hint: locked
            ? "run with --upgrade to resolve the current version and update the lock file"
            : "the mirror is being updated or is incomplete; try again later or use another mirror",
        },
      );
    }
    throw error;
  }
  const where = `${entry.name}-${formatEvr(entry.evr)}.${entry.arch} (${filename})`;
  const pinnedSha256 = fetcher.pins?.[fileName] ?? fetcher.pins?.[entry.name];
  const keys = pinnedSha256 === undefined ? await fetcher.keys() : null;
  const verified = await inPhase(
    context.onPhase,
    "verify",
    fileName,
    () => verifyPackage(rpm.path, entry, { keys, pinnedSha256, fileSha256: rpm.sha256 }, where),
    (result) =>
      result.trust === "pin"
        ? "SHA-256 matches its pin in source.sha256 (no signature check)"
        : "good header signature, header and payload digests match",
  );
  if (verified.trust === "pin")
    context.onWarning?.(
      `${where} was accepted by its SHA-256 pin in source.sha256, without a signature check`,
    );
  return inPhase(
    context.onPhase,
    "extract",
    fileName,
    (onRead) =>
      extractFromRpm(
        rpm.path,
        verified,
        emulators.map((emulator) => ({ emulator, member: fedoraMemberPath(emulator) })),
        cache,
        {
          host: context.host,
          where,
          decompress: { env: context.env, ...fetcher.decompress },
          onRead,
        },
      ),
    extractedNames,
    rpm.size,
  );
}
