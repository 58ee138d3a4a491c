// Fetches what a repository lists for a few package names: repodata/repomd.xml -> the primary
// index (downloaded into the cache and checked against repomd's SHA-256 and size, its compression
// sniffed from its first bytes, decompressed as it streams) -> the entries of those names.
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { SourceError } from "../../errors.js";
import { decompress, DecompressionError, type DecompressOptions } from "../archive/decompress.js";
import type { BlobCache } from "../cache.js";
import { downloadToCache, fetchBytes, HttpStatusError, type DownloadPolicy } from "../download.js";
import type { ProgressEvent } from "../types.js";
import { findPrimaryPackages, PrimaryFormatError, type PrimaryPackage } from "./primary.js";
import { parseRepomd, RepomdFormatError } from "./repomd.js";
import { sniffCompression } from "./verify-package.js";

/** repomd.xml is small (a few KB); anything near this is not one. */
const MAX_REPOMD_BYTES = 4 * 1024 * 1024;

/** What fetching a repository needs. */
export interface RepositoryOptions {
  readonly cache: BlobCache;
  readonly policy: DownloadPolicy;
  readonly decompress?: DecompressOptions;
  readonly onProgress?: (event: ProgressEvent) => void;
}

/** The repository (its repomd.xml) does not exist on the mirror. */
export class RepositoryNotFoundError extends SourceError {}

/** `<base>/<path>` with exactly one slash between them. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${encodeURI(path.replace(/^\/+/, ""))}`;
}

async function fileHead(path: string, length: number): Promise<Uint8Array> {
  const handle = await open(path, "r");
  try {
    const buffer = new Uint8Array(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Lists the entries of `names` in the repository at `repoUrl` (ending in /). `label` names the
 * repository in messages (e.g. updates/41).
 */
export async function fetchRepositoryPackages(
  repoUrl: string,
  label: string,
  names: ReadonlySet<string>,
  options: RepositoryOptions,
): Promise<PrimaryPackage[]> {
  const repomdUrl = joinUrl(repoUrl, "repodata/repomd.xml");
  let repomdBytes: Uint8Array;
  try {
    repomdBytes = await fetchBytes(
      { url: repomdUrl, label: `${label} repomd.xml`, onProgress: options.onProgress },
      { ...options.policy, maxBytes: Math.min(options.policy.maxBytes, MAX_REPOMD_BYTES) },
    );
  } catch (error) {
    if (error instanceof HttpStatusError && error.status === 404) {
      throw new RepositoryNotFoundError(
        `The mirror has no ${label} repository (${repomdUrl} does not exist)`,
        {
          cause: error,
          hint: "check source.release (a Fedora release number such as 41) and source.mirror (the directory holding releases/ and updates/)",
        },
      );
    }
    throw error;
  }
  let primary;
  try {
    primary = parseRepomd(Buffer.from(repomdBytes).toString("utf8"));
  } catch (error) {
    if (error instanceof RepomdFormatError)
      throw new SourceError(`${repomdUrl} cannot be used: ${error.message}`, { cause: error });
    throw error;
  }
  const primaryUrl = joinUrl(repoUrl, primary.href);
  const blob = await downloadToCache(
    {
      url: primaryUrl,
      label: `${label} ${primary.href.split("/").pop() ?? "primary"}`,
      onProgress: options.onProgress,
    },
    options.cache,
    primary,
    options.policy,
  ).catch((error: unknown) => {
    if (error instanceof SourceError && /SHA-256 mismatch|expected \d+ bytes/.test(error.message)) {
      throw new SourceError(
        `${primaryUrl} does not match the checksum ${label}'s repomd.xml lists for it (${error.message})`,
        {
          cause: error,
          hint: "the mirror is being updated or serves damaged files; try again later or use another mirror",
        },
      );
    }
    throw error;
  });
  const compression = sniffCompression(await fileHead(blob.path, 8));
  try {
    const chunks =
      compression === null
        ? createReadStream(blob.path)
        : decompress(createReadStream(blob.path), compression, options.decompress);
    return await findPrimaryPackages(chunks, names);
  } catch (error) {
    if (error instanceof PrimaryFormatError || error instanceof DecompressionError) {
      throw new SourceError(`${primaryUrl} (verified) cannot be read: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}
