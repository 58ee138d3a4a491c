// Proves that binfmtDir is binfmt_misc before qus reads or writes anything there: a config that
// names /tmp or an ordinary directory holding files called `register` and `status` must never
// get a mount over it or a register line written into it. qus mounts binfmt_misc only at the
// kernel's own path, only when nothing is mounted there; an autofs mount point there (systemd's
// proc-sys-fs-binfmt_misc.automount) is triggered by accessing it, never mounted over.
import { readdir, realpath, stat, statfs } from "node:fs/promises";
import { dirname } from "node:path";
import { KernelError } from "../errors.js";
import { binfmtDirVerdict } from "./binfmt-dir-verdict.js";
import { PROC_SUPER_MAGIC, fileSystemName } from "./fs-types.js";

/** Where the kernel puts binfmt_misc, and the only place qus mounts it. */
export const KERNEL_BINFMT_DIR = "/proc/sys/fs/binfmt_misc";

/** What a proven binfmtDir holds: binfmt_misc, or the kernel's empty mount point. */
export type BinfmtDirState = "mounted" | "unmounted";

/**
 * "mounted" when binfmt_misc is mounted at `dir` (after triggering an autofs mount point there),
 * "unmounted" when `dir` is the kernel's own binfmt_misc directory in procfs with nothing on it;
 * anything else is refused with a KernelError naming the path and what it found.
 */
export async function proveBinfmtDir(dir: string): Promise<BinfmtDirState> {
  let triggered = false;
  for (;;) {
    const type = await fileSystemType(dir);
    const verdict = binfmtDirVerdict(type, triggered, dir === KERNEL_BINFMT_DIR);
    switch (verdict.kind) {
      case "mounted":
      case "unmounted":
        return verdict.kind;
      case "trigger":
        await triggerAutomount(dir);
        triggered = true;
        continue;
      case "procfs":
        if (await isKernelDirectory(dir)) return "unmounted";
        throw notBinfmt(dir, await describePlace(dir, PROC_SUPER_MAGIC));
      case "refuse":
        throw notBinfmt(dir, verdict.found ?? (await describePlace(dir, type ?? 0)));
    }
  }
}

/** True when `dir` resolves to the kernel's own binfmt_misc path: the one place qus may mount. */
export async function isKernelBinfmtPath(dir: string): Promise<boolean> {
  try {
    return (await realpath(dir)) === KERNEL_BINFMT_DIR;
  } catch {
    return dir === KERNEL_BINFMT_DIR;
  }
}

async function fileSystemType(path: string): Promise<number | null> {
  try {
    return (await statfs(path)).type;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw new KernelError(
      `Cannot examine binfmtDir ${path} (${code ?? String(error)})`,
      path,
      code,
      {
        cause: error,
      },
    );
  }
}

/** Accessing inside an autofs mount point makes the automounter mount what belongs there. */
async function triggerAutomount(dir: string): Promise<void> {
  await readdir(dir).catch(() => undefined);
  await stat(`${dir}/status`).catch(() => undefined);
}

/** procfs's empty binfmt_misc directory (seen directly, or through /proc/<pid>/root in tests). */
async function isKernelDirectory(dir: string): Promise<boolean> {
  const real = await realpath(dir).catch(() => dir);
  return real.endsWith("/sys/fs/binfmt_misc");
}

/** "a tmpfs mount", "an ordinary directory on ext2/ext3/ext4", "a file on xfs". */
async function describePlace(dir: string, type: number): Promise<string> {
  const name = fileSystemName(type);
  try {
    const [self, parent] = await Promise.all([stat(dir), stat(dirname(dir))]);
    if (!self.isDirectory()) return `a file on ${name}, not a directory`;
    if (self.dev !== parent.dev) return `a ${name} mount`;
    return `an ordinary directory on ${name}`;
  } catch {
    return name;
  }
}

function notBinfmt(dir: string, found: string): KernelError {
  return new KernelError(
    `binfmtDir ${dir} is not a binfmt_misc file system: it is ${found}. qus reads and writes nothing there.`,
    dir,
    "ENOTBINFMT",
    {
      hint: `binfmt_misc lives at ${KERNEL_BINFMT_DIR} (the default binfmtDir): remove binfmtDir from the config, or name a directory where binfmt_misc is mounted`,
    },
  );
}
