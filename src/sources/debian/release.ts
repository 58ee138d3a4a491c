// Reads the fields qus relies on from a Release file (the text inside a verified InRelease):
// which suite it describes, until when it is valid, and the SHA-256 and size of every index.
// Pure: the caller passes only text whose signature has been verified.
import { Deb822SyntaxError, parseDeb822 } from "./deb822.js";

/** An index file's expected content, as the signed Release lists it. */
export interface IndexDigest {
  readonly sha256: string;
  readonly size: number;
}

/** The parts of a Release file the trust chain uses. */
export interface ReleaseInfo {
  readonly suite: string | undefined;
  readonly codename: string | undefined;
  readonly date: Date | undefined;
  readonly validUntil: Date | undefined;
  readonly acquireByHash: boolean;
  readonly architectures: readonly string[];
  readonly components: readonly string[];
  /** Path relative to `dists/<suite>/` -> digest. */
  readonly sha256: ReadonlyMap<string, IndexDigest>;
}

/** The Release text does not say what qus needs; the message names the problem, not the place. */
export class ReleaseFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReleaseFormatError";
  }
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const RFC2822_DATE =
  /^(?:[A-Za-z]{3},\s+)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2}):(\d{2})\s+(UTC|GMT|Z|[+-]\d{4})$/;

/** Parses a Release date (`Sat, 10 Jun 2023 08:48:06 UTC`); undefined when it is not one. */
export function parseReleaseDate(text: string): Date | undefined {
  const match = RFC2822_DATE.exec(text.trim());
  if (match === null) return undefined;
  const [, day, monthName, year, hours, minutes, seconds, zone] = match as unknown as string[];
  const month = MONTHS.indexOf((monthName as string).toLowerCase());
  if (month < 0) return undefined;
  let offsetMinutes = 0;
  if (zone !== undefined && /^[+-]\d{4}$/.test(zone)) {
    const magnitude = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5));
    offsetMinutes = zone.startsWith("-") ? -magnitude : magnitude;
  }
  const utc = Date.UTC(
    Number(year),
    month,
    Number(day),
    Number(hours),
    Number(minutes),
    Number(seconds),
  );
  const date = new Date(utc - offsetMinutes * 60_000);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function parseDigestList(value: string): Map<string, IndexDigest> {
  const digests = new Map<string, IndexDigest>();
  for (const line of value.split("\n")) {
    const parts = line.trim().split(/\s+/);
    if (parts.length === 1 && parts[0] === "") continue;
    const [sha256, size, path] = parts;
    if (parts.length !== 3 || sha256 === undefined || size === undefined || path === undefined) {
      throw new ReleaseFormatError(
        `malformed SHA256 line ${JSON.stringify(line.trim().slice(0, 100))}`,
      );
    }
    if (!/^[0-9a-f]{64}$/i.test(sha256) || !/^\d+$/.test(size)) {
      throw new ReleaseFormatError(
        `malformed SHA256 line ${JSON.stringify(line.trim().slice(0, 100))}`,
      );
    }
    digests.set(path, { sha256: sha256.toLowerCase(), size: Number(size) });
  }
  return digests;
}

function words(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(/\s+/).filter((word) => word !== "");
}

function optionalDate(value: string | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = parseReleaseDate(value);
  if (date === undefined)
    throw new ReleaseFormatError(`unreadable ${field} date ${JSON.stringify(value)}`);
  return date;
}

/** Parses Release text; throws ReleaseFormatError when it has no SHA256 list or unreadable dates. */
export function parseRelease(text: string): ReleaseInfo {
  let stanzas;
  try {
    stanzas = parseDeb822(text);
  } catch (error) {
    if (error instanceof Deb822SyntaxError) throw new ReleaseFormatError(error.message);
    throw error;
  }
  const release = stanzas[0];
  if (release === undefined) throw new ReleaseFormatError("empty Release file");
  const sha256 = release.get("SHA256");
  if (sha256 === undefined)
    throw new ReleaseFormatError("no SHA256 field (qus does not trust MD5 or SHA1 lists)");
  return {
    suite: release.get("Suite"),
    codename: release.get("Codename"),
    date: optionalDate(release.get("Date"), "Date"),
    validUntil: optionalDate(release.get("Valid-Until"), "Valid-Until"),
    acquireByHash: release.get("Acquire-By-Hash")?.toLowerCase() === "yes",
    architectures: words(release.get("Architectures")),
    components: words(release.get("Components")),
    sha256: parseDigestList(sha256),
  };
}
