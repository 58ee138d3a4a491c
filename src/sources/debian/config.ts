// The Debian source's configuration and the defaults the adapter applies to it.

/** `source: { type: debian, ... }` once the config is validated (defined with the config types). */
export type { DebianSourceConfig } from "../../config/types.js";

/** Suites that have no `-security` companion. */
const SUITES_WITHOUT_SECURITY: ReadonlySet<string> = new Set([
  "sid",
  "unstable",
  "experimental",
  "rc-buggy",
]);

/** Suite name endings that never have a `-security` companion (backports, updates...). */
const COMPANION_SUFFIXES = [
  "-backports",
  "-backports-sloppy",
  "-security",
  "-updates",
  "-proposed-updates",
];

/**
 * Whether `<suite>-security` is consulted: never for suites that have none (sid, backports...);
 * otherwise the config's choice, else true.
 */
export function securityEnabled(suite: string, security?: boolean): boolean {
  if (security === false) return false;
  if (COMPANION_SUFFIXES.some((suffix) => suite.endsWith(suffix))) return false;
  return security ?? !SUITES_WITHOUT_SECURITY.has(suite);
}

/** The keyring used when the config names none (shipped by debian-archive-keyring). */
export const DEFAULT_DEBIAN_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";
