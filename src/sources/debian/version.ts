// Debian version comparison exactly as dpkg does it (deb-version(7)): the newest of the suite's
// and the security suite's packages wins, and `1:10.0` vs `1:9.2`, `7.2+dfsg-7+deb12u18+b3` vs
// `...u19` or `1.0~rc1` vs `1.0` are decided the way apt would decide them. Pure.

/** A version split into its three parts; epoch defaults to "0", revision to "". */
export interface DebianVersion {
  readonly epoch: string;
  readonly upstream: string;
  readonly revision: string;
}

const VALID_VERSION = /^(?:(\d+):)?([0-9][A-Za-z0-9.+~:-]*?)(?:-([A-Za-z0-9.+~]+))?$/;

/** True for a syntactically valid Debian version (what `version:` pins must look like). */
export function isValidDebianVersion(version: string): boolean {
  const parts = VALID_VERSION.exec(version);
  if (parts === null) return false;
  // A colon in the upstream part needs an explicit epoch; a hyphen needs a revision (dpkg's rules).
  const upstream = parts[2] ?? "";
  if (parts[1] === undefined && upstream.includes(":")) return false;
  if (parts[3] === undefined && upstream.includes("-")) return false;
  return true;
}

/** Splits a version into epoch, upstream version and Debian revision (lenient: never throws). */
export function parseDebianVersion(version: string): DebianVersion {
  let rest = version.trim();
  let epoch = "0";
  const colon = rest.indexOf(":");
  if (colon > 0 && /^\d+$/.test(rest.slice(0, colon))) {
    epoch = rest.slice(0, colon);
    rest = rest.slice(colon + 1);
  }
  const hyphen = rest.lastIndexOf("-");
  if (hyphen >= 0)
    return { epoch, upstream: rest.slice(0, hyphen), revision: rest.slice(hyphen + 1) };
  return { epoch, upstream: rest, revision: "" };
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

// dpkg's order(): `~` before the end of the string, the end before letters, letters before
// everything else. Digits never reach here. NaN (past the end) counts as the end.
function order(code: number): number {
  if (Number.isNaN(code)) return 0;
  if (code === 126) return -1;
  if (isLetter(code)) return code;
  return code + 256;
}

// dpkg's verrevcmp(): alternate non-digit runs (compared by order()) and digit runs (numerically).
function compareFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (
      (i < a.length && !isDigit(a.charCodeAt(i))) ||
      (j < b.length && !isDigit(b.charCodeAt(j)))
    ) {
      const ac = i < a.length && !isDigit(a.charCodeAt(i)) ? order(a.charCodeAt(i)) : 0;
      const bc = j < b.length && !isDigit(b.charCodeAt(j)) ? order(b.charCodeAt(j)) : 0;
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a.charCodeAt(i) === 48) i++;
    while (b.charCodeAt(j) === 48) j++;
    let firstDifference = 0;
    while (i < a.length && j < b.length && isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (firstDifference === 0) firstDifference = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && isDigit(a.charCodeAt(i))) return 1;
    if (j < b.length && isDigit(b.charCodeAt(j))) return -1;
    if (firstDifference !== 0) return firstDifference;
  }
  return 0;
}

function sign(n: number): -1 | 0 | 1 {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Compares two Debian versions: negative when a < b, 0 when equal, positive when a > b. */
export function compareDebianVersions(a: string, b: string): -1 | 0 | 1 {
  const x = parseDebianVersion(a);
  const y = parseDebianVersion(b);
  return sign(
    compareFragment(x.epoch, y.epoch) ||
      compareFragment(x.upstream, y.upstream) ||
      compareFragment(x.revision, y.revision),
  );
}
