// The local source: emulators already on disk (a distro package, a QEMU build). qus copies
// them into installDir, so the registration never depends on a file it does not manage.
// The file system is called synchronously: a few calls per emulator, each a thread pool round
// trip when awaited, which for every target of a config cost apply milliseconds.
import { accessSync, closeSync, constants, openSync, statSync, type Stats } from "node:fs";
import { join } from "node:path";
import { SourceError } from "../errors.js";
import { checkEmulatorFile } from "../files/check-emulator.js";
import { sha256File } from "../files/hash.js";
import type { LocalSourceConfig } from "../config/types.js";
import type { EmulatorSource, Resolution, SourceContext } from "./types.js";

/** The target part of an emulator program name: qemu-aarch64 -> aarch64. */
export function emulatorTarget(emulator: string): string {
  return emulator.replace(/^qemu-/, "");
}

/** Creates a source that finds `qemu-<target>-static` or `qemu-<target>` files in a directory. */
export function createLocalSource(config: LocalSourceConfig): EmulatorSource {
  return {
    async resolve(emulators: readonly string[], context: SourceContext): Promise<Resolution> {
      await requireReadableDirectory(config.path);
      const found = await Promise.all(emulators.map((emulator) => findEmulator(config, emulator)));
      const missing = emulators.filter((_, i) => found[i] === null);
      if (missing.length > 0) {
        const tried = config.patterns.join(", ");
        throw new SourceError(
          `No emulator in ${config.path} for ${missing.map(emulatorTarget).join(", ")} (looked for ${tried}, with {target} replaced)`,
          {
            hint: "install your distribution's static QEMU package, or point source.path/source.pattern at the emulators",
          },
        );
      }
      const resolved = await Promise.all(
        emulators.map(async (emulator, i) => {
          const path = found[i] as string;
          await checkEmulatorFile(path, context.host, { requireStatic: context.requireStatic });
          const digest = context.hashFile ? await context.hashFile(path) : await sha256File(path);
          if (digest === null)
            throw new SourceError(`Emulator ${path} disappeared while qus was reading it`);
          const { sha256, size } = digest;
          return { emulator, path, sha256, size, description: `local ${path}` };
        }),
      );
      return { emulators: resolved, lock: null };
    },
  };
}

/** A source.path that is missing, not a directory or not readable is said so, not "no emulator in". */
async function requireReadableDirectory(path: string): Promise<void> {
  const refuse = (what: string, cause?: unknown): never => {
    throw new SourceError(`source.path ${JSON.stringify(path)} ${what}`, {
      cause,
      field: "/source/path",
      hint: "point source.path at the directory holding the emulators (e.g. /usr/bin for a distribution's qemu-user-static)",
    });
  };
  let info: Stats;
  try {
    info = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return refuse("does not exist", error);
    if (code === "ENOTDIR") return refuse("does not exist (a part of it is a file)", error);
    return refuse(`cannot be read (${code ?? String(error)})`, error);
  }
  if (!info.isDirectory()) refuse("is not a directory");
  try {
    // Opening it is what listing it needs; then search (x) permission, without which its files'
    // contents stay hidden.
    closeSync(openSync(path, constants.O_RDONLY | constants.O_DIRECTORY));
    accessSync(path, constants.R_OK | constants.X_OK);
  } catch (error) {
    refuse(`cannot be read${why(error)}`, error);
  }
}

/** ": permission denied (EACCES)", or " (EIO)" for a code without words here. */
function why(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  const words = code === "EACCES" || code === "EPERM" ? ": permission denied" : "";
  return `${words} (${code})`;
}

/** The first pattern's file that exists; one that exists but cannot be reached is refused, not skipped. */
async function findEmulator(config: LocalSourceConfig, emulator: string): Promise<string | null> {
  for (const pattern of config.patterns) {
    const candidate = join(config.path, pattern.replaceAll("{target}", emulatorTarget(emulator)));
    try {
      accessSync(candidate);
      return candidate;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR")
        throw new SourceError(`Emulator ${candidate} cannot be read${why(error)}`, {
          cause: error,
          field: "/source/path",
        });
    }
  }
  return null;
}
