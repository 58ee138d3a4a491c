// The host as doctor's checks see it: file contents under /proc, /sys and /etc, directory
// listings, who we are, and one experiment (a throwaway user namespace). Checks read only
// through this interface, so unit tests feed them recorded contents of hosts this machine is not.

import type { EmulatorVersion } from "../currency/qemu-version.js";

/** How the experiment of creating a private binfmt_misc instance went. */
export type NamespaceTrial =
  /** A new user namespace mounted its own, empty binfmt_misc: qus run works. */
  | { readonly kind: "private-instance" }
  /** The user namespace could not be created (unshare's words in `detail`). */
  | { readonly kind: "no-namespace"; readonly detail: string }
  /** The namespace was created but binfmt_misc could not be mounted in it (kernel before 6.7). */
  | { readonly kind: "no-mount"; readonly detail: string }
  /** A binfmt_misc was mounted, but it is not new and empty: not a private instance. */
  | { readonly kind: "shared-instance"; readonly detail: string }
  /** The experiment could not run at all (no unshare command, timeout). */
  | { readonly kind: "not-tried"; readonly detail: string };

/** Read-only access to the host. Every method answers null (or false) for what is absent or unreadable. */
export interface HostProbe {
  /** The effective user id. */
  readonly uid: number;
  readonly env: NodeJS.ProcessEnv;
  /** A file's text. */
  readText(path: string): Promise<string | null>;
  /** Up to `length` bytes from the start of a file. */
  readHead(path: string, length: number): Promise<Uint8Array | null>;
  /** The QEMU version an emulator file carries (read, never executed); undefined when it has none. */
  emulatorVersion(path: string): Promise<EmulatorVersion | undefined>;
  /** A directory's entry names, sorted. */
  list(path: string): Promise<string[] | null>;
  /** Whether a path exists (without following a final symlink's absence: a dangling link is absent). */
  exists(path: string): Promise<boolean>;
  /**
   * Tries to mount binfmt_misc in a new user and mount namespace, at `mountPoint` inside it. Nothing
   * outside that namespace changes; the namespace vanishes when the experiment ends.
   */
  tryPrivateInstance(mountPoint: string): Promise<NamespaceTrial>;
}

/** Where binfmt_misc is mounted on every distribution. */
export const BINFMT_DIR = "/proc/sys/fs/binfmt_misc";
