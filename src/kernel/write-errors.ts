// Turns an errno from a binfmt_misc write into a KernelError that says what failed, where, and
// what to do about it. Pure: the caller says which operation, which file and at which step.
import { SEE_DOCTOR } from "../doctor/conditions.js";
import { KernelError } from "../errors.js";

/** What was being written when the kernel said no. */
export interface WriteFailure {
  readonly operation: "register" | "enable" | "disable" | "remove" | "enable binfmt_misc";
  /** The binfmt_misc directory. */
  readonly dir: string;
  /** The file written: register, status or an entry. */
  readonly path: string;
  /** Entry name (for register: the name inside the line). */
  readonly name: string;
  /** The register line, for register. */
  readonly line?: string;
  /** open: the file could not be opened for writing; write: the kernel refused the content. */
  readonly stage: "open" | "write";
  readonly code: string | undefined;
  /** Register only: whether an entry with this name exists now (to explain ENOENT). */
  readonly entryExists?: boolean;
  readonly cause: unknown;
}

const PRIVILEGE_CODES = new Set(["EACCES", "EPERM", "EROFS"]);
// What open_exec() of the interpreter can fail with during a register write with F.
const INTERPRETER_OPEN_CODES = new Set(["ENOENT", "ENOTDIR", "EACCES", "ENOEXEC", "ELOOP"]);

/** The KernelError to throw for a failed binfmt_misc write. */
export function writeFailureError(failure: WriteFailure): KernelError {
  const { operation, dir, path, name, line, stage, code, cause } = failure;
  const what =
    operation === "enable binfmt_misc"
      ? "Cannot enable binfmt_misc"
      : `Cannot ${operation} binfmt_misc entry ${JSON.stringify(name)}`;
  const error = (message: string, hint?: string): KernelError =>
    new KernelError(
      `${what}: ${message}`,
      path,
      code,
      hint === undefined ? { cause } : { cause, hint },
    );
  const mountCommand = `mount -t binfmt_misc binfmt_misc ${dir}`;
  const interpreter = line === undefined ? undefined : registerLineField(line, 5);
  const fixBinary = line !== undefined && (registerLineField(line, 6) ?? "").includes("F");

  if (stage === "open" && code !== undefined && PRIVILEGE_CODES.has(code)) {
    const why =
      code === "EROFS"
        ? `${path} is on a read-only file system (EROFS)`
        : `no permission to write ${path} (${code})`;
    return error(
      `${why}.`,
      "Changing binfmt_misc needs root (run qus with sudo). Inside a container /proc/sys is usually mounted " +
        `read-only: run qus on the host, or in a privileged container.\n${SEE_DOCTOR}`,
    );
  }
  if (stage === "open" && code === "ENOENT") {
    if (operation === "register" || operation === "enable binfmt_misc") {
      return error(
        `binfmt_misc is not mounted at ${dir} (${path} does not exist).`,
        `Mount it with: ${mountCommand}`,
      );
    }
    return error(
      `there is no such entry in ${dir} (${path} does not exist); something else may have removed it.`,
      "Run qus plan again.",
    );
  }
  if (stage === "write" && operation === "register") {
    if (code === "EEXIST" || (code === "ENOENT" && failure.entryExists === true)) {
      return error(
        `an entry with this name already exists in ${dir}${code === "ENOENT" ? " (the kernel reported ENOENT)" : ""}.`,
        "qus replaces the entries it adopts by removing them first, so something else registered this name in " +
          "the meantime. Run qus plan again to see the current state.",
      );
    }
    if (fixBinary && code !== undefined && INTERPRETER_OPEN_CODES.has(code)) {
      const problem =
        code === "ENOENT" || code === "ENOTDIR"
          ? "does not exist"
          : "cannot be opened for execution";
      return error(
        `the interpreter ${interpreter ?? "(unknown)"} ${problem} (${code}); ` +
          "with the F flag the kernel opens it when the entry is registered.",
        "Install the emulator first (qus apply installs it before registering), or check the interpreter path. " +
          "A file that is not executable or lies on a noexec mount cannot be opened either.",
      );
    }
    if (code === "EINVAL") {
      return error(
        `the kernel rejected the register line written to ${path} (EINVAL):\n  ${line ?? ""}`,
        "Check the offset, magic, mask, interpreter path and flags in this line.",
      );
    }
  }
  const reason = cause instanceof Error ? cause.message : String(cause);
  return error(`writing ${path} failed: ${reason}`);
}

/** Field `index` of a register line: 0 name, 1 type, 2 offset, 3 magic, 4 mask, 5 interpreter, 6 flags. */
export function registerLineField(line: string, index: number): string | undefined {
  const delimiter = line[0];
  if (delimiter === undefined) return undefined;
  return line.slice(1).split(delimiter)[index];
}
