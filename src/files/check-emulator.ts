// Refuses an emulator file that cannot work as a binfmt_misc interpreter on this host before
// qus installs or registers it: a registration pointing at a wrong file makes every foreign
// exec fail with a confusing error far from its cause.
import { statSync, type Stats } from "node:fs";
import { SourceError } from "../errors.js";
import { describeElfProblem, elfMachineForTarget } from "./elf-machines.js";
import { readElfFileHeader } from "./elf-file.js";

function fileKind(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a named pipe";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  return "not a regular file";
}

/** Synchronous, as the ELF header read after it: awaited per emulator, a thread pool trip costs more. */
function statEmulator(path: string): Stats {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new SourceError(`Emulator ${path} does not exist`, { cause: error });
    }
    throw new SourceError(`Emulator ${path} cannot be examined (${code ?? String(error)})`, {
      cause: error,
    });
  }
}

/**
 * Checks that `path` is an executable ELF program for this host's CPU (`host.machine` as
 * `uname -m` prints it) and, when asked, statically linked. Throws SourceError saying what is
 * wrong and where. A host CPU unknown to the catalog skips only the CPU comparison.
 */
export async function checkEmulatorFile(
  path: string,
  host: { readonly machine: string; readonly target: string },
  options: { readonly requireStatic: boolean },
): Promise<void> {
  const stats = statEmulator(path);
  if (!stats.isFile()) {
    throw new SourceError(`Emulator ${path} is ${fileKind(stats)}, not a regular file`);
  }
  if ((stats.mode & 0o111) === 0) {
    const mode = (stats.mode & 0o7777).toString(8).padStart(4, "0");
    throw new SourceError(`Emulator ${path} is not executable (mode ${mode})`, {
      hint: `chmod 0755 ${path}`,
    });
  }
  const header = await readElfFileHeader(path, "Emulator");
  const expected = elfMachineForTarget(host.target) ?? {
    machine: header.machine,
    class: header.class,
    endian: header.endian,
  };
  const problem = describeElfProblem(header, expected, { requireStatic: options.requireStatic });
  if (problem === null) return;
  const wrongCpu =
    header.machine !== expected.machine ||
    header.class !== expected.class ||
    header.endian !== expected.endian;
  throw new SourceError(`Emulator ${path} ${problem}`, {
    hint: wrongCpu
      ? `this host's CPU is ${host.machine}: use emulator binaries built to run on it`
      : undefined,
  });
}

/** Refuses an extracted emulator that is not a static ELF for the host (download sources). */
export async function checkExtractedEmulator(
  path: string,
  label: string,
  host: { readonly target: string },
): Promise<void> {
  const header = await readElfFileHeader(path, label);
  const expected = elfMachineForTarget(host.target) ?? {
    machine: header.machine,
    class: header.class,
    endian: header.endian,
  };
  const problem = describeElfProblem(header, expected, { requireStatic: true });
  if (problem !== null) throw new SourceError(`${label} ${problem}`);
}
