// Finds the stanzas of a few packages in a Packages index as it is decompressed: the index of
// Debian main is about 50 MB of text with ~60 000 stanzas, of which qus needs a handful, so it
// splits stanzas without parsing them and parses only those whose Package field is wanted.
// Pure over an async stream of bytes.
import { Deb822SyntaxError, parseDeb822, type Deb822Stanza } from "./deb822.js";

/** A package as the (verified) index describes it. */
export interface PackageStanza {
  readonly package: string;
  readonly version: string;
  readonly architecture: string;
  /** Path relative to the mirror root. */
  readonly filename: string;
  readonly size: number;
  readonly sha256: string;
  readonly depends: string;
  /** Installed-Size in KiB, when given. */
  readonly installedSizeKiB: number | undefined;
}

/** The index holds a stanza qus cannot use safely. */
export class PackagesFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PackagesFormatError";
  }
}

const SAFE_FILENAME = /^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9._+~%:@/-]+\.deb$/;

function required(stanza: Deb822Stanza, field: string, name: string): string {
  const value = stanza.get(field);
  if (value === undefined || value.trim() === "")
    throw new PackagesFormatError(`package ${name} has no ${field} field`);
  return value.trim();
}

/** Reads the fields qus relies on from a stanza, refusing unsafe file names and bad digests. */
export function toPackageStanza(stanza: Deb822Stanza): PackageStanza {
  const name = required(stanza, "Package", "(unnamed)");
  const filename = required(stanza, "Filename", name);
  if (!SAFE_FILENAME.test(filename))
    throw new PackagesFormatError(
      `package ${name} has an unsafe Filename ${JSON.stringify(filename)}`,
    );
  const size = required(stanza, "Size", name);
  if (!/^\d+$/.test(size))
    throw new PackagesFormatError(`package ${name} has an invalid Size ${JSON.stringify(size)}`);
  const sha256 = required(stanza, "SHA256", name).toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(sha256))
    throw new PackagesFormatError(`package ${name} has an invalid SHA256`);
  const installed = stanza.get("Installed-Size")?.trim();
  return {
    package: name,
    version: required(stanza, "Version", name),
    architecture: required(stanza, "Architecture", name),
    filename,
    size: Number(size),
    sha256,
    depends: stanza.get("Depends") ?? "",
    installedSizeKiB:
      installed !== undefined && /^\d+$/.test(installed) ? Number(installed) : undefined,
  };
}

const PACKAGE_FIELD = /^Package:[ \t]*(\S+)/m;

function stanzaIfWanted(text: string, names: ReadonlySet<string>): PackageStanza | null {
  const match = PACKAGE_FIELD.exec(text);
  if (match === null || !names.has(match[1] as string)) return null;
  let stanzas;
  try {
    stanzas = parseDeb822(text);
  } catch (error) {
    if (error instanceof Deb822SyntaxError)
      throw new PackagesFormatError(`stanza of ${match[1]}: ${error.message}`);
    throw error;
  }
  const stanza = stanzas[0];
  return stanza === undefined ? null : toPackageStanza(stanza);
}

/** Streams an uncompressed Packages index and returns the stanzas of the named packages. */
export async function findPackageStanzas(
  chunks: AsyncIterable<Uint8Array>,
  names: ReadonlySet<string>,
): Promise<PackageStanza[]> {
  const found: PackageStanza[] = [];
  const decoder = new TextDecoder("utf-8");
  let buffer = "";
  const drain = (final: boolean): void => {
    let start = 0;
    for (;;) {
      const end = buffer.indexOf("\n\n", start);
      if (end < 0) break;
      const stanza = stanzaIfWanted(buffer.slice(start, end), names);
      if (stanza !== null) found.push(stanza);
      start = end + 2;
    }
    buffer = buffer.slice(start);
    if (final && buffer.trim() !== "") {
      const stanza = stanzaIfWanted(buffer, names);
      if (stanza !== null) found.push(stanza);
      buffer = "";
    }
  };
  for await (const chunk of chunks) {
    buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n/g, "\n");
    drain(false);
  }
  buffer += decoder.decode();
  drain(true);
  return found;
}
