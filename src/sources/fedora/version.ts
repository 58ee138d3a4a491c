// RPM version comparison exactly as rpm does it (rpmvercmp, and epoch:version-release on top):
// the newest build across `releases` and `updates` wins, and `9.1.2-3.fc41` vs `9.1.2-10.fc41`,
// `1.0~rc1` vs `1.0` or `1.0^git1` vs `1.0` are decided the way dnf would decide them. Pure.

/** An epoch:version-release triple; epoch defaults to 0. */
export interface Evr {
  readonly epoch: number;
  readonly version: string;
  readonly release: string;
}

const EVR_TEXT = /^(?:(\d+):)?([A-Za-z0-9._+~^]+)-([A-Za-z0-9._+~^]+)$/;

/** Parses `[epoch:]version-release`; null when it is not one (what a `version:` pin must be). */
export function parseEvr(text: string): Evr | null {
  const match = EVR_TEXT.exec(text.trim());
  if (match === null) return null;
  return {
    epoch: match[1] === undefined ? 0 : Number(match[1]),
    version: match[2] as string,
    release: match[3] as string,
  };
}

/** `version-release`, with `epoch:` in front only when the epoch is not 0 (as dnf prints it). */
export function formatEvr(evr: Evr): string {
  return `${evr.epoch === 0 ? "" : `${evr.epoch}:`}${evr.version}-${evr.release}`;
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

function isAlpha(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");
}

function isAlnum(c: string): boolean {
  return isDigit(c) || isAlpha(c);
}

/** rpm's rpmvercmp(): -1, 0 or 1. */
export function rpmVersionCompare(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i] as string) && a[i] !== "~" && a[i] !== "^") i++;
    while (j < b.length && !isAlnum(b[j] as string) && b[j] !== "~" && b[j] !== "^") j++;
    // `~` sorts before everything, even the end of the string.
    if (a[i] === "~" || b[j] === "~") {
      if (a[i] !== "~") return 1;
      if (b[j] !== "~") return -1;
      i++;
      j++;
      continue;
    }
    // `^` sorts after the end of the string but before anything else.
    if (a[i] === "^" || b[j] === "^") {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== "^") return 1;
      if (b[j] !== "^") return -1;
      i++;
      j++;
      continue;
    }
    if (!(i < a.length && j < b.length)) break;
    const numeric = isDigit(a[i] as string);
    const matches = numeric ? isDigit : isAlpha;
    let endA = i;
    let endB = j;
    while (endA < a.length && matches(a[endA] as string)) endA++;
    while (endB < b.length && matches(b[endB] as string)) endB++;
    // A numeric segment is newer than an alphabetic one.
    if (endB === j) return numeric ? 1 : -1;
    let segA = a.slice(i, endA);
    let segB = b.slice(j, endB);
    if (numeric) {
      segA = segA.replace(/^0+/, "");
      segB = segB.replace(/^0+/, "");
      if (segA.length !== segB.length) return segA.length > segB.length ? 1 : -1;
    }
    if (segA !== segB) return segA > segB ? 1 : -1;
    i = endA;
    j = endB;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

/** Compares two builds: epoch, then version, then release. */
export function compareEvr(a: Evr, b: Evr): -1 | 0 | 1 {
  if (a.epoch !== b.epoch) return a.epoch > b.epoch ? 1 : -1;
  return rpmVersionCompare(a.version, b.version) || rpmVersionCompare(a.release, b.release);
}
