// Parses /proc/<pid>/mountinfo (proc(5)): which file system is mounted where, by which device.
// Pure: the caller reads the file. Mount points come back unescaped (\040 is a space).

/** One mount as mountinfo lists it. */
export interface MountInfo {
  /** major:minor, distinct for each binfmt_misc instance. */
  readonly device: string;
  readonly mountPoint: string;
  /** Per-mount options (rw, ro, nosuid...). */
  readonly options: readonly string[];
  readonly fsType: string;
}

/** Every mount, in the order mounted (the last one at a path is the one visible there). */
export function parseMountInfo(text: string): MountInfo[] {
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const fields = line.split(" ");
      const separator = fields.indexOf("-");
      return {
        device: fields[2] ?? "",
        mountPoint: unescapeOctal(fields[4] ?? ""),
        options: (fields[5] ?? "").split(","),
        fsType: separator === -1 ? "" : (fields[separator + 1] ?? ""),
      };
    });
}

/** The mounts stacked at `mountPoint`, bottom first. */
export function mountsAt(mounts: readonly MountInfo[], mountPoint: string): MountInfo[] {
  return mounts.filter((m) => m.mountPoint === mountPoint);
}

/** The mount visible at `mountPoint`: the last one mounted there. */
export function topMountAt(
  mounts: readonly MountInfo[],
  mountPoint: string,
): MountInfo | undefined {
  return mountsAt(mounts, mountPoint).at(-1);
}

function unescapeOctal(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(Number.parseInt(octal, 8)),
  );
}
