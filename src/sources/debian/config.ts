// The Debian source's configuration and the defaults the adapter applies to it.

/** `source: { type: debian, ... }` once the config is validated (defined with the config types). */
export type { DebianSourceConfig } from "../../config/types.js";

/** Suites that have no `-security` companion. */
const SUITES_WITHOUT_SECURITY: ReadonlySet<string> = new Set([
  "sid",
  "unstable",
  "experimental",
  "rc-buggy",
  "proposed-updates",
]);

/** Suites named after another one that have no `-security` of their own (bookworm-backports...). */
const SUFFIXES_WITHOUT_SECURITY =
  /-(?:backports|backports-sloppy|updates|proposed-updates|security)$/;

/**
 * Whether `<suite>-security` is consulted: the config's choice (for every listed suite), else
 * true for suites that have one (not sid, backports, updates...).
 */
export function securityEnabled(suite: string, security?: boolean): boolean {
  return security ?? !(SUITES_WITHOUT_SECURITY.has(suite) || SUFFIXES_WITHOUT_SECURITY.test(suite));
}

/** The keyring used when the config names none (shipped by debian-archive-keyring). */
export const DEFAULT_DEBIAN_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";
