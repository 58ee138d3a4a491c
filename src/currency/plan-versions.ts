// Adds the QEMU version each emulator reports to what the planner reads: every resolved
// emulator (what will be installed) and every installed file about to be replaced (what it
// replaces), so the plan can show `~ qemu: "7.2.22" -> "11.1.3"` and warn about known issues.
// Files that stay as they are are not read: a converged plan costs one cache lookup each.
import type { Desired, Live, LiveFile } from "../plan/types.js";
import type { ResolvedEmulator } from "../sources/types.js";
import type { VersionReader } from "./version-cache.js";

// Why: the version comes from the bytes that will be installed, whatever the source.
/** The resolved emulators with `qemuVersion` set where the file reports one. */
export async function withQemuVersions(
  resolved: readonly ResolvedEmulator[],
  versionOf: VersionReader,
): Promise<ResolvedEmulator[]> {
  // One at a time: each scan holds a 1 MiB buffer, and the disk is the limit anyway.
  const out: ResolvedEmulator[] = [];
  for (const emulator of resolved) {
    const version = await versionOf(emulator.path, emulator.sha256);
    out.push(version === null ? emulator : { ...emulator, qemuVersion: version });
  }
  return out;
}

// Why: a replacement shows which QEMU version it moves away from.
/** Live with `qemuVersion` on each installed emulator whose content differs from the desired one. */
export async function withLiveQemuVersions(
  live: Live,
  desired: Desired,
  versionOf: VersionReader,
): Promise<Live> {
  const wanted = new Map(desired.emulators.map((e) => [e.path, e.sha256]));
  const files: LiveFile[] = [];
  for (const file of live.files) {
    const want = wanted.get(file.path);
    if (file.sha256 === null || want === undefined || want === file.sha256) {
      files.push(file);
      continue;
    }
    const version = await versionOf(file.path, file.sha256);
    files.push(version === null ? file : { ...file, qemuVersion: version });
  }
  return { ...live, files };
}
