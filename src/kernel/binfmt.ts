// The only code that touches binfmt_misc: read its state, and the few writes qus makes.
// Every write is one write(2) of the whole content to an existing file (never created), so the
// kernel sees exactly one command; errno values become KernelErrors with advice.
import { closeSync, constants, openSync, readdirSync, readFileSync, writeSync } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { CANNOT_MOUNT_FIX, SEE_DOCTOR } from "../doctor/conditions.js";
import { KernelError } from "../errors.js";
import type { LiveEntry } from "../plan/types.js";
import { CONTROL_FILES, entryNameProblem } from "./entry-name.js";
import { parseEntry } from "./entry.js";
import { isKernelBinfmtPath, KERNEL_BINFMT_DIR, proveBinfmtDir } from "./binfmt-dir.js";
import { registerLineField, writeFailureError, type WriteFailure } from "./write-errors.js";

/** What the kernel shows in a binfmt_misc directory. */
export interface BinfmtState {
  /** False when `register` does not exist there: binfmt_misc is not mounted. */
  readonly mounted: boolean;
  /** The `status` file says "enabled" (false when not mounted). */
  readonly enabledGlobally: boolean;
  /** Every entry, sorted by name. */
  readonly entries: LiveEntry[];
}

/**
 * Reads the status and every entry of the binfmt_misc instance mounted at `dir`, after proving
 * `dir` is binfmt_misc (or the kernel's empty mount point: not mounted). Synchronously: these are
 * small files in memory, where a thread pool round trip per file costs more than the reads.
 */
export async function readBinfmt(dir: string): Promise<BinfmtState> {
  const unmounted: BinfmtState = { mounted: false, enabledGlobally: false, entries: [] };
  if ((await proveBinfmtDir(dir)) === "unmounted") return unmounted;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return unmounted;
    throw readFailure(dir, error);
  }
  if (!names.includes("register")) return unmounted;

  const entryNames = names.filter((name) => !CONTROL_FILES.includes(name)).sort();
  const status = readOptional(join(dir, "status"));
  const texts = entryNames.map((name) => readOptional(join(dir, name)));
  // Unmounted while we were reading: report what is true now.
  if (status === null) return unmounted;
  if (status !== "enabled\n" && status !== "disabled\n") {
    const path = join(dir, "status");
    throw new KernelError(
      `Unexpected content in ${path}: ${JSON.stringify(status)} (expected "enabled" or "disabled").`,
      path,
      undefined,
    );
  }

  const entries: LiveEntry[] = [];
  entryNames.forEach((name, i) => {
    const text = texts[i];
    // An entry removed while we were reading is simply no longer there.
    if (text !== null && text !== undefined) entries.push(parseEntry(name, text, join(dir, name)));
  });
  return { mounted: true, enabledGlobally: status === "enabled\n", entries };
}

/** Writes one register line (see encodeRegisterLine) to `<dir>/register`. */
export async function registerEntry(dir: string, line: string): Promise<void> {
  const name = registerLineField(line, 0) ?? "";
  const path = join(dir, "register");
  await writeControlFile(path, line, async (stage, code, cause): Promise<WriteFailure> => {
    // Some kernels answer ENOENT instead of EEXIST for a taken name when F cannot open the interpreter.
    const ambiguous = stage === "write" && code === "ENOENT" && entryNameProblem(name) === null;
    const entryExists = ambiguous ? await exists(join(dir, name)) : false;
    return { operation: "register", dir, path, name, line, stage, code, entryExists, cause };
  });
}

/** Enables (writes 1) or disables (writes 0) one entry; the kernel can do this in place. */
export async function setEntryEnabled(dir: string, name: string, enabled: boolean): Promise<void> {
  const operation = enabled ? "enable" : "disable";
  const path = entryPath(dir, name, operation);
  await writeControlFile(path, enabled ? "1" : "0", (stage, code, cause) => ({
    operation,
    dir,
    path,
    name,
    stage,
    code,
    cause,
  }));
}

/** Removes one entry by writing -1 to its own file (never to `status`, which would remove all). */
export async function removeEntry(dir: string, name: string): Promise<void> {
  const path = entryPath(dir, name, "remove");
  await writeControlFile(path, "-1", (stage, code, cause) => ({
    operation: "remove",
    dir,
    path,
    name,
    stage,
    code,
    cause,
  }));
}

/** Turns binfmt_misc as a whole back on (writes 1 to `status`); qus never turns it off. */
export async function enableBinfmtGlobally(dir: string): Promise<void> {
  const path = join(dir, "status");
  await writeControlFile(path, "1", (stage, code, cause) => ({
    operation: "enable binfmt_misc",
    dir,
    path,
    name: "status",
    stage,
    code,
    cause,
  }));
}

/**
 * Mounts binfmt_misc at `dir` with mount(8), as systemd's automount unit would: only at the
 * kernel's own path and only when nothing is mounted there (an autofs point is triggered instead).
 */
export async function mountBinfmt(dir: string): Promise<void> {
  if (!(await isKernelBinfmtPath(dir))) {
    throw new KernelError(
      `Refusing to mount binfmt_misc at ${dir}: qus mounts it only at ${KERNEL_BINFMT_DIR}, the kernel's own place.`,
      dir,
      "EINVAL",
      { hint: `remove binfmtDir from the config, or mount binfmt_misc at ${dir} yourself` },
    );
  }
  if ((await proveBinfmtDir(dir)) === "mounted") return;
  const args = ["-t", "binfmt_misc", "binfmt_misc", dir];
  // Loaded here: every plan imports this module, and only a host without binfmt_misc mounted runs mount.
  const { execFile } = await import("node:child_process");
  await new Promise<void>((resolve, reject) => {
    execFile("mount", args, { timeout: 30_000 }, (error, _stdout, stderr) => {
      if (error === null) return resolve();
      const code = typeof error.code === "string" ? error.code : undefined;
      const detail =
        code === "ENOENT" ? "the mount command was not found" : stderr.trim() || error.message;
      reject(
        new KernelError(`Cannot mount binfmt_misc at ${dir}: ${detail}`, dir, code, {
          cause: error,
          hint:
            `Mounting needs root (run qus with sudo); the command was: mount ${args.join(" ")}. ` +
            `In a container: ${CANNOT_MOUNT_FIX}.\n${SEE_DOCTOR}`,
        }),
      );
    });
  });
}

/** `<dir>/<name>`, after refusing names that are not a single entry file. */
function entryPath(dir: string, name: string, operation: string): string {
  const problem = entryNameProblem(name);
  if (problem !== null) {
    const message = `Refusing to ${operation} binfmt_misc entry ${JSON.stringify(name)} in ${dir}: ${problem}.`;
    throw new KernelError(message, join(dir, name), "EINVAL");
  }
  return join(dir, name);
}

type FailureDescriber = (
  stage: "open" | "write",
  code: string | undefined,
  cause: unknown,
) => WriteFailure | Promise<WriteFailure>;

/**
 * Opens an existing file write-only (no create, no truncate) and writes `content` in one call.
 * Synchronous: three short system calls, where the thread pool's round trips cost more than the
 * kernel's work (an apply of 31 registrations makes 31 of these).
 */
async function writeControlFile(
  path: string,
  content: string,
  describe: FailureDescriber,
): Promise<void> {
  let fd: number;
  try {
    // O_NONBLOCK: a named pipe put in place of a control file fails at once instead of hanging.
    fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw writeFailureError(await describe("open", errorCode(error), error));
  }
  try {
    const bytes = Buffer.from(content);
    const bytesWritten = writeSync(fd, bytes, 0, bytes.length, null);
    if (bytesWritten !== bytes.length) {
      const error = new Error(`only ${bytesWritten} of ${bytes.length} bytes were written`);
      throw writeFailureError(await describe("write", undefined, error));
    }
  } catch (error) {
    if (error instanceof KernelError) throw error;
    throw writeFailureError(await describe("write", errorCode(error), error));
  } finally {
    closeSync(fd);
  }
}

/** A file's text, or null when it does not exist (any more). */
function readOptional(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return null;
    throw readFailure(path, error);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function readFailure(path: string, error: unknown): KernelError {
  const code = errorCode(error);
  const reason = error instanceof Error ? error.message : String(error);
  return new KernelError(`Cannot read binfmt_misc at ${path}: ${reason}`, path, code, {
    cause: error,
    hint:
      code === "EACCES" || code === "EPERM"
        ? "Reading binfmt_misc entries may need root."
        : undefined,
  });
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
