// Checks one downloaded .rpm (already matched against the SHA-256 the repository lists) end to
// end before a byte of its payload is decompressed: lead and headers parsed with bounds checks,
// the header is the one the index promised (name, arch, version), the header's OpenPGP signature
// verifies against a trusted key (or the whole file matches a SHA-256 the user pinned), and
// the payload's digest recorded in the signed header matches. Header signature + payload digest
// cover the whole package.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { SourceError } from "../../errors.js";
import { openFileSource } from "../archive/byte-source.js";
import { readRpmLayout, type RpmLayout } from "../archive/rpm.js";
import { RpmFormatError, RpmTag } from "../archive/rpm-header.js";
import type { Compression } from "../archive/decompress.js";
import { loadOpenPgp, type TrustedKeys } from "./keys.js";
import type { PrimaryPackage } from "./primary.js";
import { compareEvr, formatEvr } from "./version.js";

/** What the checks established: where the payload is and how to decompress it. */
export interface VerifiedPackage {
  readonly payloadOffset: number;
  readonly payloadSize: number;
  readonly compression: Compression;
  /** "signature" when the header signature verified, "pin" when the user's SHA-256 pin vouched for it. */
  readonly trust: "signature" | "pin";
}

/** How a package may be trusted. */
export interface TrustOptions {
  /** Keys for the header signature; null when none is configured or installed. */
  readonly keys: TrustedKeys | null;
  /** The user's SHA-256 pin for this package, if any. */
  readonly pinnedSha256?: string;
  /** The package file's SHA-256 (already verified against the index while downloading). */
  readonly fileSha256: string;
}

/** PAYLOADDIGESTALGO values (OpenPGP hash ids) and node's names for them. */
const DIGEST_ALGORITHMS: Readonly<Record<number, string>> = {
  8: "sha256",
  9: "sha384",
  10: "sha512",
};

/** The compressors qus decompresses (PAYLOADCOMPRESSOR values). */
const COMPRESSORS: Readonly<Record<string, Compression>> = { zstd: "zstd", xz: "xz", gzip: "gzip" };

const MAGIC: ReadonlyArray<{ compression: Compression; bytes: readonly number[] }> = [
  { compression: "gzip", bytes: [0x1f, 0x8b] },
  { compression: "zstd", bytes: [0x28, 0xb5, 0x2f, 0xfd] },
  { compression: "xz", bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
];

/** The compression a file starts with, from its magic bytes; null when none of gzip, zstd, xz. */
export function sniffCompression(head: Uint8Array): Compression | null {
  return MAGIC.find((m) => m.bytes.every((byte, i) => head[i] === byte))?.compression ?? null;
}

/** Verifies the header's OpenPGP signature(s); returns null when one verifies, else why not. */
async function headerSignatureProblem(
  layout: RpmLayout,
  keys: TrustedKeys,
): Promise<string | null> {
  const signatures = [RpmTag.RSAHEADER, RpmTag.DSAHEADER]
    .map((tag) => layout.signature.binary(tag))
    .filter((s): s is Uint8Array => s !== undefined);
  if (signatures.length === 0) return "the package is not signed";
  const openpgp = await loadOpenPgp();
  const problems: string[] = [];
  for (const bytes of signatures) {
    try {
      const signature = await openpgp.readSignature({ binarySignature: bytes });
      const message = await openpgp.createMessage({ binary: layout.header.bytes });
      const result = await openpgp.verify({
        message,
        signature,
        verificationKeys: [...keys.keys],
        format: "binary",
      });
      for (const entry of result.signatures) {
        try {
          await entry.verified;
          return null;
        } catch (error) {
          problems.push(`key ${entry.keyID.toHex()}: ${(error as Error).message}`);
        }
      }
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return `its header signature does not verify with ${keys.origin} (${problems.join("; ")})`;
}

async function digestOfRange(path: string, start: number, algorithm: string): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path, { start, highWaterMark: 1024 * 1024 }))
    hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * Runs every check on the package at `path`; `expected` is its entry in the index and `where`
 * names it in messages. Throws SourceError on the first failure.
 */
export async function verifyPackage(
  path: string,
  expected: PrimaryPackage,
  trust: TrustOptions,
  where: string,
): Promise<VerifiedPackage> {
  const refuse = (problem: string, hint?: string): never => {
    throw new SourceError(
      `${where}: ${problem}; refusing the package`,
      hint === undefined ? undefined : { hint },
    );
  };
  const file = await openFileSource(path);
  let layout: RpmLayout;
  let head: Uint8Array;
  try {
    layout = await readRpmLayout(file);
    head = await file.read(layout.payloadOffset, 8);
  } catch (error) {
    if (error instanceof RpmFormatError) refuse(`not a package qus can read: ${error.message}`);
    throw error;
  } finally {
    await file.close();
  }
  const { header, signature } = layout;
  try {
    // 1. The header SHA-256 in the signature header catches a damaged header early, with a clear message.
    const headerSha256 = signature.string(RpmTag.SHA256HEADER);
    if (
      headerSha256 !== undefined &&
      headerSha256.toLowerCase() !== createHash("sha256").update(header.bytes).digest("hex")
    ) {
      refuse("its header does not match the SHA-256 recorded for it (the header was modified)");
    }
    // 2. Trust: the header signature, or the user's pin of the whole file.
    const pinned = trust.pinnedSha256 !== undefined;
    if (pinned && trust.pinnedSha256?.toLowerCase() !== trust.fileSha256) {
      refuse(
        `its SHA-256 is ${trust.fileSha256}, but source.sha256 pins ${trust.pinnedSha256?.toLowerCase()}`,
        "update or remove the pin in source.sha256",
      );
    }
    if (!pinned) {
      if (trust.keys === null) {
        refuse(
          "no key is configured to check its signature",
          "set source.key to Fedora's release key, or pin this package's SHA-256 in source.sha256",
        );
      }
      const problem = await headerSignatureProblem(layout, trust.keys as TrustedKeys);
      if (problem !== null)
        refuse(
          problem,
          "check source.key (each Fedora release has its own key); to accept an unsigned package, pin its SHA-256 in source.sha256",
        );
    }
    // 3. The signed header describes the package the index listed.
    const name = header.string(RpmTag.NAME);
    const arch = header.string(RpmTag.ARCH);
    const evr = {
      epoch: header.number(RpmTag.EPOCH) ?? 0,
      version: header.string(RpmTag.VERSION) ?? "",
      release: header.string(RpmTag.RELEASE) ?? "",
    };
    if (
      name !== expected.name ||
      arch !== expected.arch ||
      compareEvr(evr, expected.evr) !== 0 ||
      evr.version !== expected.evr.version ||
      evr.release !== expected.evr.release
    ) {
      refuse(
        `its header describes ${name ?? "?"}-${formatEvr(evr)}.${arch ?? "?"}, but the repository lists ${expected.name}-${formatEvr(expected.evr)}.${expected.arch}`,
      );
    }
    // 4. Payload format, then its digest from the signed header.
    const payloadFormat = header.string(RpmTag.PAYLOADFORMAT) ?? "cpio";
    if (payloadFormat !== "cpio")
      refuse(
        `its payload format is ${JSON.stringify(payloadFormat)}; qus reads cpio payloads only`,
      );
    const compressor = header.string(RpmTag.PAYLOADCOMPRESSOR) ?? "gzip";
    const compression = COMPRESSORS[compressor];
    if (compression === undefined)
      refuse(
        `its payload compressor is ${JSON.stringify(compressor)}; qus reads zstd, xz and gzip payloads`,
      );
    const sniffed = sniffCompression(head);
    if (sniffed !== compression)
      refuse(
        `its header says the payload is ${compressor}, but the payload starts like ${sniffed ?? "neither zstd, xz nor gzip"}`,
      );
    const digests = header.stringArray(RpmTag.PAYLOADDIGEST);
    const digest = digests?.[0]?.toLowerCase();
    if (digest === undefined) {
      if (!pinned)
        refuse(
          "its header records no payload digest, so the signature does not cover the payload",
          "pin this package's SHA-256 in source.sha256 to accept it",
        );
    } else {
      const algorithmId = header.number(RpmTag.PAYLOADDIGESTALGO) ?? 8;
      const algorithm =
        DIGEST_ALGORITHMS[algorithmId] ??
        refuse(`its payload digest uses hash algorithm ${algorithmId}, which qus does not know`);
      const actual = await digestOfRange(path, layout.payloadOffset, algorithm);
      if (actual !== digest)
        refuse(
          `its payload does not match the digest in its signed header (${algorithm} ${digest}, got ${actual}): the payload was modified`,
        );
    }
    return {
      payloadOffset: layout.payloadOffset,
      payloadSize: layout.payloadSize,
      compression: compression as Compression,
      trust: pinned ? "pin" : "signature",
    };
  } catch (error) {
    if (error instanceof RpmFormatError) refuse(`its header is malformed: ${error.message}`);
    throw error;
  }
}
