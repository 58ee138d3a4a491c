// Finds a few packages in a repository's primary.xml as it is decompressed. Fedora's primary is
// hundreds of MB with ~70 000 packages, of which qus needs a handful: it splits the stream at
// `</package>` and parses only the blocks whose <name> is wanted, so memory stays at one block.
// Pure over an async stream of bytes.
import { isSafeRelativePath } from "./repomd.js";
import { attributesOf, textOf } from "./xml-text.js";
import type { Evr } from "./version.js";

/** A package as the repository's primary index describes it. */
export interface PrimaryPackage {
  readonly name: string;
  readonly arch: string;
  readonly evr: Evr;
  /** SHA-256 of the whole .rpm file. */
  readonly sha256: string;
  readonly size: number;
  /** Path of the .rpm relative to the repository root. */
  readonly href: string;
}

/** A wanted package's entry is unusable. */
export class PrimaryFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PrimaryFormatError";
  }
}

/** One package block is never this large; more means the input is not a primary index. */
const MAX_BLOCK_CHARS = 16 * 1024 * 1024;
const END = "</package>";

/** Reads the fields qus relies on from one `<package>` block. */
export function parsePackageBlock(block: string): PrimaryPackage {
  const name = textOf(block, "name") ?? "(unnamed)";
  const fail = (problem: string): never => {
    throw new PrimaryFormatError(`package ${name}: ${problem}`);
  };
  const arch = textOf(block, "arch") ?? fail("no <arch>");
  const version = attributesOf(block, "version") ?? fail("no <version>");
  const epochText = version.get("epoch") ?? "0";
  const ver = version.get("ver");
  const rel = version.get("rel");
  if (
    !/^\d+$/.test(epochText) ||
    ver === undefined ||
    rel === undefined ||
    ver === "" ||
    rel === ""
  )
    fail("an invalid <version>");
  const checksum = attributesOf(block, "checksum") ?? fail("no <checksum>");
  if (checksum.get("type") !== "sha256")
    fail(`checksum type ${JSON.stringify(checksum.get("type") ?? null)}; qus verifies sha256 only`);
  const sha256 = (textOf(block, "checksum") ?? "").toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(sha256)) fail("an invalid SHA-256");
  const size = attributesOf(block, "size")?.get("package");
  if (size === undefined || !/^\d+$/.test(size)) fail("no <size package=...>");
  const location = attributesOf(block, "location") ?? fail("no <location>");
  if (location.has("xml:base"))
    fail("a location with xml:base; qus reads packages from the repository itself only");
  const href = location.get("href") ?? "";
  if (!isSafeRelativePath(href) || !href.endsWith(".rpm"))
    fail(`an unsafe location ${JSON.stringify(href)}`);
  return {
    name,
    arch,
    evr: { epoch: Number(epochText), version: ver as string, release: rel as string },
    sha256,
    size: Number(size),
    href,
  };
}

function wantedBlock(block: string, names: ReadonlySet<string>): PrimaryPackage | null {
  const name = /<name>([^<]*)<\/name>/.exec(block)?.[1]?.trim();
  if (name === undefined || !names.has(name)) return null;
  if (!/<package\s[^>]*type\s*=\s*["']rpm["']/.test(block)) return null;
  return parsePackageBlock(block);
}

/** Streams an uncompressed primary.xml and returns the entries of the named packages. */
export async function findPrimaryPackages(
  chunks: AsyncIterable<Uint8Array>,
  names: ReadonlySet<string>,
): Promise<PrimaryPackage[]> {
  const found: PrimaryPackage[] = [];
  const decoder = new TextDecoder("utf-8");
  let buffer = "";
  let sawMetadata = false;
  const drain = (): void => {
    let start = 0;
    for (;;) {
      const end = buffer.indexOf(END, start);
      if (end < 0) break;
      const block = buffer.slice(start, end + END.length);
      const entry = wantedBlock(block, names);
      if (entry !== null) found.push(entry);
      start = end + END.length;
    }
    buffer = buffer.slice(start);
    if (buffer.length > MAX_BLOCK_CHARS)
      throw new PrimaryFormatError(`a package entry longer than ${MAX_BLOCK_CHARS} characters`);
  };
  for await (const chunk of chunks) {
    buffer += decoder.decode(chunk, { stream: true });
    if (!sawMetadata && buffer.includes("<metadata")) sawMetadata = true;
    drain();
  }
  buffer += decoder.decode();
  drain();
  if (!sawMetadata) throw new PrimaryFormatError("not a primary index (no <metadata> element)");
  if (!/<\/metadata>\s*$/.test(buffer))
    throw new PrimaryFormatError("the index ends early (no </metadata>)");
  return found;
}
