// node:crypto, loaded on first use: a no-op plan hashes nothing (the hash cache answers for the
// emulators), and loading the module is a few milliseconds of every run that would not.
let loaded: Promise<typeof import("node:crypto")> | undefined;

/** The node:crypto module. */
export function nodeCrypto(): Promise<typeof import("node:crypto")> {
  loaded ??= import("node:crypto");
  return loaded;
}
