// One apply at a time per host: an exclusive lock file created atomically (the holder's record is
// written to a temp file and hard-linked into place, so the lock never exists half-written). A
// second apply waits, bounded by --lock-timeout, then fails naming the holder; the lock of a
// process that died (kill -9, power loss) is taken over, under a short takeover lock so two
// waiters never both remove it.
import { link, mkdir, open, readFile, rmdir, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { LockError } from "../errors.js";
import { FileWriteError } from "../files/atomic.js";
import { currentHolder, holderIsGone, parseHolder, type LockHolder } from "./holder.js";
import { randomHex } from "../files/random-suffix.js";

/** How long apply waits for the lock by default. */
export const DEFAULT_LOCK_TIMEOUT_MS = 30_000;

/** A lock file whose content cannot be parsed is treated as abandoned after this long. */
const UNREADABLE_LOCK_GRACE_MS = 5_000;
const POLL_MS = 100;

/** The lock this process holds. */
export interface HeldLock {
  readonly path: string;
  /** Removes the lock if it is still ours (never someone else's). */
  release(): Promise<void>;
}

/** Options for acquireApplyLock. */
export interface AcquireOptions {
  readonly timeoutMs: number;
  /** Recorded in the lock for whoever waits, e.g. "qus apply". */
  readonly command: string;
  /** Called once when the lock is busy and the wait begins. */
  readonly onWait?: (holder: LockHolder | null) => void;
}

/**
 * Where the lock lives: $QUS_LOCK_FILE, else `apply.lock` beside the state file. The state file's
 * directory is what the lock protects, is already writable by whoever applies, and survives
 * between runs; a lock left by a crash or a reboot is recognised as stale by pid, start time and boot id.
 */
export function applyLockPath(stateFile: string, env: NodeJS.ProcessEnv): string {
  const explicit = env.QUS_LOCK_FILE;
  return explicit !== undefined && explicit !== ""
    ? explicit
    : join(dirname(stateFile), "apply.lock");
}

/** Takes the lock, waiting up to `timeoutMs`; throws LockError naming the holder when the wait expires. */
export async function acquireApplyLock(path: string, options: AcquireOptions): Promise<HeldLock> {
  const created = await mkdir(dirname(path), { recursive: true, mode: 0o755 }).catch(
    (error: unknown) => {
      throw new FileWriteError(dirname(path), error);
    },
  );
  const mine = `${JSON.stringify(await currentHolder(options.command, new Date()))}\n`;
  const deadline = Date.now() + options.timeoutMs;
  let waiting = false;
  for (;;) {
    if (await tryCreate(path, mine)) return heldLock(path, mine, created);
    const text = await readOptional(path);
    if (text === null) continue; // released between our attempt and the read: try again at once
    const holder = parseHolder(text);
    if (holder === null ? await unreadableForLong(path) : await holderIsGone(holder)) {
      await takeOver(path, text);
      continue;
    }
    if (Date.now() >= deadline) throw busyError(path, holder, options.timeoutMs);
    if (!waiting) {
      waiting = true;
      options.onWait?.(holder);
    }
    await sleep(Math.min(POLL_MS, Math.max(1, deadline - Date.now())));
  }
}

/** Creates `path` holding `content` in one step (temp file + link); false when it exists already. */
async function tryCreate(path: string, content: string): Promise<boolean> {
  const temp = join(dirname(path), `.${basename(path)}-${process.pid}-${randomHex(4)}`);
  const handle = await open(temp, "wx", 0o644).catch(async (error: unknown) => {
    // The previous holder removed the directory it had created: make it again and retry.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new FileWriteError(temp, error);
  });
  if (handle === null) {
    await mkdir(dirname(path), { recursive: true, mode: 0o755 }).catch(() => undefined);
    return false;
  }
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST" || code === "ENOENT") return false;
    throw new FileWriteError(path, error);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/**
 * Removes a stale lock whose text we read, but only if it still has that text, and only while
 * holding `<lock>.takeover`, so that a waiter that read the same stale lock cannot then remove
 * the fresh lock another waiter just took.
 */
async function takeOver(path: string, staleText: string): Promise<void> {
  const guard = `${path}.takeover`;
  const record = `${JSON.stringify(await currentHolder("qus lock takeover", new Date()))}\n`;
  if (!(await tryCreate(guard, record))) {
    const text = await readOptional(guard);
    const holder = parseHolder(text ?? "");
    // A takeover guard left by a process that died in the middle of a takeover.
    if (
      text !== null &&
      (holder === null ? await unreadableForLong(guard) : await holderIsGone(holder))
    ) {
      if ((await readOptional(guard)) === text) await unlink(guard).catch(() => undefined);
    }
    await sleep(POLL_MS / 10);
    return;
  }
  try {
    if ((await readOptional(path)) === staleText) await unlink(path).catch(() => undefined);
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

/** `createdDir`: the topmost directory taking the lock created; removed again on release if still empty. */
function heldLock(path: string, content: string, createdDir: string | undefined): HeldLock {
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      if ((await readOptional(path)) === content) await unlink(path).catch(() => undefined);
      // An apply that changed nothing (e.g. stopped by an error) leaves no directory behind.
      for (
        let dir = dirname(path);
        createdDir !== undefined && dir.startsWith(createdDir);
        dir = dirname(dir)
      ) {
        if (
          !(await rmdir(dir).then(
            () => true,
            () => false,
          ))
        )
          break;
      }
    },
  };
}

function busyError(path: string, holder: LockHolder | null, timeoutMs: number): LockError {
  const waited = `${Math.round(timeoutMs / 100) / 10}s`;
  if (holder === null) {
    return new LockError(
      `The apply lock ${path} is held (its content is unreadable); waited ${waited}`,
      {
        hint: `wait for the other qus to finish; if none runs, remove ${path}`,
      },
    );
  }
  const ago = Math.max(0, Math.round((Date.now() - Date.parse(holder.since)) / 1000));
  return new LockError(
    `Another qus holds the apply lock ${path}: pid ${holder.pid} (${holder.command}), since ${holder.since} (${ago}s ago); waited ${waited}`,
    {
      hint: `wait for it to finish or raise --lock-timeout; if process ${holder.pid} is not qus, remove ${path}`,
    },
  );
}

async function unreadableForLong(path: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(path)).mtimeMs > UNREADABLE_LOCK_GRACE_MS;
  } catch {
    return false;
  }
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new LockError(
      `Cannot read the apply lock ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      { cause: error },
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
