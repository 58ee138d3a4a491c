// Pure: which files the plan would overwrite although qus never wrote them. qus may replace or
// delete a file in installDir only when its state file records that qus installed it; a
// same-named file from elsewhere (a distribution's qemu-aarch64, an admin's build) is not qus's.
import type { Desired, Live } from "./types.js";

/** A wanted emulator path holding a file qus did not install, and why qus cannot keep it as is. */
export interface ForeignFile {
  readonly path: string;
  /** "its content differs from ...", or who else controls it. */
  readonly why: string;
}

/**
 * Wanted emulators that exist, are not recorded in the state file, and would have to be replaced:
 * other content, or (as root) a file others control.
 */
export function foreignEmulatorFiles(desired: Desired, live: Live): ForeignFile[] {
  const onDisk = new Map(live.files.map((f) => [f.path, f]));
  const foreign: ForeignFile[] = [];
  for (const want of desired.emulators) {
    const file = onDisk.get(want.path);
    if (file?.sha256 == null || live.state.emulators[want.path] !== undefined) continue;
    if (file.sha256 !== want.sha256)
      foreign.push({
        path: want.path,
        why: "its content differs from the emulator the config wants",
      });
    else if (file.untrusted !== undefined)
      foreign.push({
        path: want.path,
        why: `it is ${file.untrusted}, and root registers only files only root can change`,
      });
  }
  return foreign;
}
