// Like ssh's StrictModes: when qus runs as root, a path that decides what root installs or runs
// (the config file, installDir, binfmtDDir) must not be changeable by other users, neither the
// file itself nor any directory above it. Otherwise any local user could choose root's emulators.
// The checks call the file system synchronously: they are a few dozen lstat calls on every run,
// each awaited in turn, and Node's thread pool round trips cost a no-op plan milliseconds.
import { lstatSync, readFileSync, type Stats } from "node:fs";
import { dirname } from "node:path";
import { QusError } from "../errors.js";

/** A path to check and what it is, for the message. */
export interface GuardedPath {
  readonly path: string;
  /** E.g. "config file", "installDir". */
  readonly what: string;
}

/**
 * Refuses (QusError naming the path and the fix) when `path`, or any existing directory above
 * it, is writable by group or others (a directory with the sticky bit, like /tmp, is fine), or
 * owned by a user other than root. A symlink on the way counts as its owner's: one not owned by
 * root is refused, since whoever owns it decides where it points. Missing parts are skipped:
 * qus creates them itself, root-owned and 0755.
 */
export async function refuseUnsafePath(
  guarded: GuardedPath,
  trustedUids: readonly number[],
  verified?: Set<string>,
): Promise<void> {
  const unsafe = firstUnsafePart(guarded.path, trustedUids, verified);
  if (unsafe === null) return;
  const where =
    unsafe.path === guarded.path
      ? `${guarded.what} ${unsafe.path}`
      : `${unsafe.path}, a directory above ${guarded.what} ${guarded.path},`;
  throw new QusError(`Refusing to run as root: ${where} ${unsafe.problem.text}`, {
    hint: unsafe.problem.fix(unsafe.path),
  });
}

// Why: the npm entry asks the same question of its code cache, synchronously, before qus starts.
/** Whether only `trustedUids` can change `path` and every existing directory above it (see refuseUnsafePath). */
export function onlyTrustedCanChange(path: string, trustedUids: readonly number[]): boolean {
  return firstUnsafePart(path, trustedUids) === null;
}

/**
 * The first part of `path`, itself or a directory above, that someone untrusted controls.
 * `verified` (shared by the checks of one run) holds the directories found safe, not walked again:
 * thirty emulators in one directory need its parents checked once.
 */
function firstUnsafePart(
  path: string,
  trustedUids: readonly number[],
  verified?: Set<string>,
): { path: string; problem: Unsafety } | null {
  let current = path;
  const walked: string[] = [];
  for (;;) {
    if (verified?.has(current)) break;
    walked.push(current);
    const info = lstatOrNull(current);
    const problem = info === null ? null : unsafety(info, trustedUids);
    if (problem !== null) return { path: current, problem };
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  // Everything walked is safe; the path itself is remembered only when it is a directory above.
  for (const part of walked.slice(1)) verified?.add(part);
  return null;
}

/**
 * The uids whose files root may trust: root, and in a user namespace that does not map the real
 * root (rootless qus run) the overflow uid, which stands for every owner outside it, real root's
 * system files included. Where real root is mapped, the overflow uid is somebody else: untrusted.
 */
export async function trustedOwners(): Promise<number[]> {
  const uids = [0];
  if (await inInitialUserNamespace()) return uids;
  try {
    if (mapsRealRoot(readFileSync("/proc/self/uid_map", "utf8"))) return uids;
    uids.push(Number(readFileSync("/proc/sys/kernel/overflowuid", "utf8").trim()));
  } catch {
    // No /proc: trust root only.
  }
  return uids;
}

/** Owners root may take its inputs from (config, keyrings, local emulators): root, and the user who ran sudo. */
export async function inputOwners(env: NodeJS.ProcessEnv): Promise<number[]> {
  const uids = await trustedOwners();
  const sudoUid = Number(env.SUDO_UID);
  if (env.SUDO_UID !== undefined && Number.isInteger(sudoUid) && sudoUid > 0) uids.push(sudoUid);
  return uids;
}

/**
 * Why root must not register the file at `path` as it is (owned by another user, writable by
 * group or others, not a regular file), or null when only root controls it or it does not exist.
 */
export async function fileControlProblem(
  path: string,
  trusted: readonly number[],
): Promise<string | null> {
  const info = lstatOrNull(path);
  if (info === null) return null;
  if (!info.isFile()) return "not a regular file";
  const mode = (info.mode & 0o7777).toString(8).padStart(4, "0");
  if (!trusted.includes(info.uid)) return `owned by uid ${info.uid}, mode ${mode}`;
  if ((info.mode & 0o022) !== 0) return `owned by root but writable by others, mode ${mode}`;
  return null;
}

/** True when a uid_map maps the outside uid 0 to some uid inside. */
function mapsRealRoot(uidMap: string): boolean {
  return uidMap
    .trim()
    .split("\n")
    .some((line) => {
      const [, outside, count] = line.trim().split(/\s+/).map(Number);
      return outside !== undefined && count !== undefined && outside === 0 && count > 0;
    });
}

/** True in the host's own user namespace (uid_map maps all uids to themselves), false in a child one. */
export async function inInitialUserNamespace(): Promise<boolean> {
  try {
    const map = readFileSync("/proc/self/uid_map", "utf8").trim().split(/\s+/);
    return map.length === 3 && map[0] === "0" && map[1] === "0" && map[2] === "4294967295";
  } catch {
    return true;
  }
}

interface Unsafety {
  readonly text: string;
  readonly fix: (path: string) => string;
}

function unsafety(info: Stats, trusted: readonly number[]): Unsafety | null {
  if (!trusted.includes(info.uid)) {
    const kind = info.isSymbolicLink() ? "is a symbolic link owned by" : "is owned by";
    return {
      text: `${kind} uid ${info.uid}, not root`,
      fix: (path) => `chown root:root ${path} (or use a path only root controls)`,
    };
  }
  if (info.isSymbolicLink()) return null;
  const mode = info.mode & 0o7777;
  const sticky = info.isDirectory() && (mode & 0o1000) !== 0;
  if ((mode & 0o022) === 0 || sticky) return null;
  const who = (mode & 0o002) !== 0 ? "every user" : "its group";
  return {
    text: `is writable by ${who} (mode ${mode.toString(8).padStart(4, "0")})`,
    fix: (path) => `chmod go-w ${path}`,
  };
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw new QusError(`Cannot examine ${path} (${code ?? String(error)})`, { cause: error });
  }
}
