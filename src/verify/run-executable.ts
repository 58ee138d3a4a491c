// Runs one program with a time limit and collects what it printed: the edge through which
// `qus verify` reaches the kernel (executing a file is what makes binfmt_misc pick a handler).
import { spawn } from "node:child_process";
import { closeSync, openSync, readSync } from "node:fs";

/** How a program run ended. */
export interface ExecutableResult {
  /** Exit status, or null when killed by a signal or never started. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** errno code when the kernel refused to start it (ENOEXEC, EACCES...). */
  readonly spawnError: string | null;
  readonly timedOut: boolean;
}

/** Output beyond this is dropped: test programs print a few bytes, emulators a few lines. */
const MAX_OUTPUT = 64 * 1024;

/** Executes `file` with `args`, stdin closed, killed after `timeoutMs`. Never throws. */
export function runExecutable(
  file: string,
  args: readonly string[],
  options: { timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<ExecutableResult> {
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let settled = false;
    const finish = (result: Omit<ExecutableResult, "stdout" | "stderr" | "timedOut">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, stdout, stderr, timedOut });
    };
    const child = spawn(file, [...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: options.env ?? process.env,
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk;
    });
    child.once("error", (error: NodeJS.ErrnoException) =>
      finish({ code: null, signal: null, spawnError: error.code ?? error.message }),
    );
    child.once("close", (code, signal) =>
      finish(
        ranAsShellScript(file, code, stdout, stderr)
          ? { code: null, signal: null, spawnError: "ENOEXEC" }
          : { code, signal, spawnError: null },
      ),
    );
  });
}

/**
 * Whether the C library's execvp answered the kernel's ENOEXEC by running the file with /bin/sh
 * (it does so for any file the kernel refuses, so an ELF no handler takes comes back as the
 * shell's syntax error, exit 2): a failed run with nothing on stdout, stderr led by the file's
 * path as the shell words it, of a file that is ELF.
 */
function ranAsShellScript(
  file: string,
  code: number | null,
  stdout: string,
  stderr: string,
): boolean {
  if (code === 0 || code === null || stdout !== "" || !stderr.startsWith(`${file}: `)) return false;
  const magic = Buffer.alloc(4);
  try {
    const fd = openSync(file, "r");
    try {
      readSync(fd, magic, 0, 4, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
  return magic.toString("latin1") === "\x7fELF";
}
