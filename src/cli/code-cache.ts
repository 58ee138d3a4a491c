// V8's code cache for the npm entry (npm-entry.ts). Node 20 keeps no compiled code between runs,
// and compiling qus is most of a no-op plan there. The cache is made when a command first runs,
// after it ran (so it holds every function that command called), one file per command, in qus's
// own cache directory. qus runs as root and cached code is code it runs: a cache is read only when
// no one but root and the user running qus can change it or any directory above it, and is
// written only into such a directory. Everything here is an optimisation: any failure means
// "no cache", never an error.
import {
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { defaultCacheDir } from "../config/defaults.js";
import { onlyTrustedCanChange } from "../state/strict-modes.js";

/** Commands with a cache of their own (what they run differs most); the others share one. */
const OWN_CACHE = new Set(["plan", "apply", "destroy", "status", "run", "validate"]);

/**
 * Where the caches live: NODE_COMPILE_CACHE when it names a directory (Node's own variable for its
 * compile cache), else `code-cache` in the default download cache (/var/cache/qus for root).
 */
export function codeCacheDir(env: NodeJS.ProcessEnv, euid: number, homeDir: string): string {
  const chosen = env.NODE_COMPILE_CACHE;
  if (chosen?.startsWith("/")) return chosen;
  return join(defaultCacheDir(env, euid === 0, homeDir), "code-cache");
}

// Why: the cache of `qus plan` must hold what plan runs, not what `qus --version` ran first.
/** The command a cache is kept for: the first argument naming one with a cache of its own, else "other". */
export function cacheCommand(argv: readonly string[]): string {
  return argv.find((arg) => OWN_CACHE.has(arg)) ?? "other";
}

/**
 * The cache file of one build of the CLI (`build`: a digest of its text), one command, one V8
 * version and CPU architecture (V8 also rejects a cache made with other flags: it is then remade).
 */
export function codeCacheFile(
  dir: string,
  build: string,
  command: string,
  v8: string,
  arch: string,
): string {
  return join(dir, `qus-${build}-${command}-v8-${v8}-${arch}.cache`);
}

/** Commands that write no file on the host: doctor, and the demo (its runs inside too). */
const WRITES_NOTHING = new Set(["doctor", "demo"]);

/** When no cache is used at all: Node's own switch NODE_DISABLE_COMPILE_CACHE, doctor and demo. */
export function codeCacheDisabled(env: NodeJS.ProcessEnv, argv: readonly string[]): boolean {
  return (env.NODE_DISABLE_COMPILE_CACHE ?? "") !== "" || WRITES_NOTHING.has(argv[0] ?? "");
}

/** The users whose files the cache may come from: root and whoever runs qus. */
export function cacheOwners(euid: number): number[] {
  return euid === 0 ? [0] : [0, euid];
}

/**
 * The cached code in `file`, or undefined when there is none or it is not trusted: a regular file
 * (not a symbolic link) owned by `owners`, writable by no one else, in directories only they
 * can change.
 */
export function readCodeCache(file: string, owners: readonly number[]): Buffer | undefined {
  let fd: number | undefined;
  try {
    if (!onlyTrustedCanChange(file, owners)) return undefined;
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    const info = fstatSync(fd);
    if (!info.isFile() || !owners.includes(info.uid) || (info.mode & 0o022) !== 0) return undefined;
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes `data` as `file` (a private temporary file renamed into place) when the directory is
 * trusted, and removes the caches of other builds of qus. Synchronous: it runs as the process exits.
 */
export function writeCodeCache(file: string, data: Buffer, owners: readonly number[]): void {
  const dir = join(file, "..");
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!onlyTrustedCanChange(dir, owners)) return;
    writeFileSync(temporary, data, { flag: "wx", mode: 0o600 });
    renameSync(temporary, file);
    removeOtherBuilds(dir, file);
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // left for the next write of this build to replace
    }
  }
}

/**
 * Caches of earlier builds are never read again (each build has its own digest in the name): they
 * go, with any temporary file a killed run of one left behind.
 */
function removeOtherBuilds(dir: string, kept: string): void {
  const build = kept.slice(dir.length + 1).split("-")[1];
  for (const name of readdirSync(dir)) {
    const ours = name.startsWith("qus-") && (name.endsWith(".cache") || name.endsWith(".tmp"));
    if (ours && name.split("-")[1] !== build) rmSync(join(dir, name), { force: true });
  }
}
