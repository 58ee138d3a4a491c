// installDir must be a directory of qus's own: never a system directory whose files belong to
// the distribution (a same-named file there is refused anyway, but a directory like /usr/bin is
// refused outright). Compared by real path, so /bin -> /usr/bin and other links are caught.
// /usr/local/bin is allowed: the administrator's own directory, where static QEMU builds often
// live; qus still replaces only files it installed there.
import { realpathSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { QusError } from "../errors.js";
import { CONFIG_DEFAULTS } from "../config/types.js";

/** Directories the distribution (or the kernel) owns: never an installDir. */
const SYSTEM_DIRECTORIES: readonly string[] = [
  "/",
  "/bin",
  "/sbin",
  "/lib",
  "/lib32",
  "/lib64",
  "/libx32",
  "/usr",
  "/usr/bin",
  "/usr/sbin",
  "/usr/lib",
  "/usr/lib32",
  "/usr/lib64",
  "/usr/libx32",
  "/usr/libexec",
  "/usr/share",
  "/usr/include",
  "/usr/local",
  "/etc",
  "/boot",
  "/dev",
  "/proc",
  "/sys",
  "/run",
  "/var",
  "/var/lib",
  "/tmp",
];

/**
 * Refuses an installDir that is (or resolves to) a system directory, naming both paths. The real
 * paths are resolved synchronously: a few dozen readlink calls, where awaiting each on Node's
 * thread pool cost a no-op plan milliseconds of round trips.
 */
export async function refuseSystemInstallDir(installDir: string): Promise<void> {
  const real = realPathOfMaybeMissing(installDir);
  for (const system of SYSTEM_DIRECTORIES) {
    if (real !== realPathOfMaybeMissing(system)) continue;
    const same = real === installDir ? "" : ` (${installDir} resolves to it)`;
    throw new QusError(
      `Refusing installDir ${installDir}: it is the system directory ${real}${same}, whose files belong to the distribution, not to qus`,
      {
        hint: `choose a directory of qus's own, such as ${CONFIG_DEFAULTS.installDir} (the default), or /usr/local/bin`,
      },
    );
  }
}

/** The real path of `path`, resolving its nearest existing ancestor when it does not exist yet. */
function realPathOfMaybeMissing(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    const parent = dirname(path);
    if (parent === path) return path;
    return join(realPathOfMaybeMissing(parent), basename(path));
  }
}
