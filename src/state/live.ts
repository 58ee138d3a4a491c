// Reads what is there: the kernel's entries, the state file, and the content of every
// emulator file qus wants or installed earlier. The planner compares this with Desired.
import { readBinfmt } from "../kernel/binfmt.js";
import { sha256FileIfExists } from "../files/hash.js";
import type { Desired, Live, LiveFile } from "../plan/types.js";
import { readState } from "./state-file.js";

/** Gathers the live state for `desired`, reading the kernel and the disk in parallel. */
export async function readLive(desired: Desired, stateFile: string): Promise<Live> {
  const [kernel, state] = await Promise.all([readBinfmt(desired.binfmtDir), readState(stateFile)]);
  const paths = [...new Set([...desired.emulators.map((e) => e.path), ...Object.keys(state.emulators)])];
  const files: LiveFile[] = await Promise.all(
    paths.map(async (path) => ({ path, sha256: (await sha256FileIfExists(path))?.sha256 ?? null })),
  );
  return { binfmtDir: desired.binfmtDir, ...kernel, files, state };
}
