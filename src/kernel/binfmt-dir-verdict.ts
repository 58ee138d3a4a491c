// Pure: what the file system type found at binfmtDir means, and what qus does next. Kept apart
// from binfmt-dir.ts (which does the statfs calls) so that the autofs rule can be tested with
// values: an autofs mount point is only ever triggered, never reported as a place to mount.
import {
  AUTOFS_SUPER_MAGIC,
  BINFMTFS_MAGIC,
  PROC_SUPER_MAGIC,
  fileSystemName,
} from "./fs-types.js";

/** What qus does after looking at binfmtDir once. */
export type BinfmtDirVerdict =
  /** binfmt_misc is mounted there: read and write it. */
  | { readonly kind: "mounted" }
  /** Nothing is mounted on the kernel's own directory: qus may mount binfmt_misc there. */
  | { readonly kind: "unmounted" }
  /** An autofs mount point, not yet triggered: access it, then look again. */
  | { readonly kind: "trigger" }
  /** procfs: unmounted only when it is the kernel's binfmt_misc directory (binfmt-dir.ts checks). */
  | { readonly kind: "procfs" }
  /** Anything else: refuse, saying what was found (null: binfmt-dir.ts describes the place). */
  | { readonly kind: "refuse"; readonly found: string | null };

/**
 * The verdict for the type statfs reported (null: nothing there), whether an autofs trigger was
 * already tried, and whether binfmtDir is the kernel's own path.
 */
export function binfmtDirVerdict(
  type: number | null,
  triggered: boolean,
  kernelPath: boolean,
): BinfmtDirVerdict {
  if (type === BINFMTFS_MAGIC) return { kind: "mounted" };
  // Whatever the automounter left there, if not binfmt_misc: never mounted over, never used.
  if (triggered) {
    const shows = type === null ? "nothing" : fileSystemName(type);
    return {
      kind: "refuse",
      found: `an autofs mount point that did not mount binfmt_misc when accessed (it shows ${shows})`,
    };
  }
  if (type === AUTOFS_SUPER_MAGIC) return { kind: "trigger" };
  if (type === null) {
    // The kernel's directory exists once binfmt_misc is loaded; mount(8) loads it.
    if (kernelPath) return { kind: "unmounted" };
    return { kind: "refuse", found: "nothing: the path does not exist" };
  }
  if (type === PROC_SUPER_MAGIC) return { kind: "procfs" };
  return { kind: "refuse", found: null };
}
