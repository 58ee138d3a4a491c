// Reads repodata/repomd.xml: where the primary index is and what it must hash to. repomd is not
// signed (Fedora relies on HTTPS and metalinks); the end-to-end check is each package's own
// header signature, so this only has to find the primary and its digest reliably. Pure.
import { attributesOf, textOf } from "./xml-text.js";

/** The `<data type="primary">` record. */
export interface PrimaryRecord {
  /** Path relative to the repository root, e.g. repodata/<hash>-primary.xml.zst. */
  readonly href: string;
  /** SHA-256 of the compressed file. */
  readonly sha256: string;
  /** Size of the compressed file. */
  readonly size: number;
}

/** repomd.xml is not what qus expects. */
export class RepomdFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RepomdFormatError";
  }
}

/** A relative path inside the repository that cannot climb out of it. */
export function isSafeRelativePath(path: string): boolean {
  if (
    path === "" ||
    path.startsWith("/") ||
    path.includes("\\") ||
    /^[A-Za-z][A-Za-z0-9+.-]*:/.test(path)
  )
    return false;
  return path.split("/").every((part) => part !== ".." && part !== "." && part !== "");
}

/** Finds the primary index in repomd.xml text. */
export function parseRepomd(xml: string): PrimaryRecord {
  const block = /<data\s+type\s*=\s*["']primary["']\s*>([\s\S]*?)<\/data>/.exec(xml)?.[1];
  if (block === undefined) throw new RepomdFormatError('no <data type="primary"> record');
  const checksum = attributesOf(block, "checksum");
  const type = checksum?.get("type");
  if (type !== "sha256")
    throw new RepomdFormatError(
      `the primary's checksum type is ${JSON.stringify(type ?? null)}; qus verifies sha256 only`,
    );
  const sha256 = (textOf(block, "checksum") ?? "").toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(sha256))
    throw new RepomdFormatError("the primary's checksum is not a SHA-256");
  const location = attributesOf(block, "location");
  const href = location?.get("href");
  if (href === undefined || !isSafeRelativePath(href))
    throw new RepomdFormatError(
      `the primary's location ${JSON.stringify(href ?? null)} is not a path inside the repository`,
    );
  if (location?.has("xml:base") === true)
    throw new RepomdFormatError(
      "the primary's location has an xml:base; qus reads repositories without it",
    );
  const size = textOf(block, "size");
  if (size === null || !/^\d+$/.test(size))
    throw new RepomdFormatError("the primary record has no <size>");
  return { href, sha256, size: Number(size) };
}
