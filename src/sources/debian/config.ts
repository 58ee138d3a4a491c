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
const SUFFIXES_WITHOUT_SECURITY = /-(?:backports|backports-sloppy|updates|proposed-updates)$/;

/** Whether `<suite>-security` is consulted: the config's choice, else true for suites that have one. */
export function securityEnabled(config: {
  readonly suite: string;
  readonly security?: boolean;
}): boolean {
  return (
    config.security ??
    !(SUITES_WITHOUT_SECURITY.has(config.suite) || SUFFIXES_WITHOUT_SECURITY.test(config.suite))
  );
}

/** The keyring used when the config names none (shipped by debian-archive-keyring). */
export const DEFAULT_DEBIAN_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";
