// Helpers for the safety and fault-injection e2e tests: run the built CLI inside a sandbox as a
// child process this test can signal (nsenter execs qus in place, so the child's pid is qus's),
// and check that every registered qus entry names a complete emulator.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cliPath, emulatorPath } from "../helpers/fixtures.js";
import type { Sandbox } from "../helpers/sandbox.js";

/** A qus process started inside the sandbox, and how it ended. */
export interface SpawnedQus {
  readonly child: ChildProcess;
  readonly done: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>;
}

/** Starts `qus ...args` inside the sandbox without waiting for it. */
export function spawnQus(
  sandbox: Sandbox,
  cwd: string,
  args: readonly string[],
  env: Record<string, string> = {},
): SpawnedQus {
  const child = spawn(
    "nsenter",
    [
      "-t",
      String(sandbox.pid),
      "-U",
      "-m",
      "--preserve-credentials",
      `--wd=${cwd}`,
      "--",
      process.execPath,
      cliPath(),
      ...args,
    ],
    { env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

const shaCache = new Map<string, string>();

/** SHA-256 of a file's bytes. */
export function sha256Of(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** SHA-256 of the fixture emulator a target runs under (qemu-<emulator>-static). */
export function sourceSha(emulator: string): string {
  let sha = shaCache.get(emulator);
  if (sha === undefined) {
    sha = sha256Of(emulatorPath(emulator.replace(/^qemu-/, "")));
    shaCache.set(emulator, sha);
  }
  return sha;
}

/**
 * Every registered entry whose name starts with qemu- must name a file whose bytes are exactly the
 * source emulator's (never a partial copy); returns a list of problems (empty when all is well).
 */
export function registeredInterpretersIntact(sandbox: Sandbox): string[] {
  const problems: string[] = [];
  for (const name of readdirSync(sandbox.binfmtDir)) {
    if (!name.startsWith("qemu-")) continue;
    let text: string;
    try {
      text = readFileSync(join(sandbox.binfmtDir, name), "utf8");
    } catch {
      continue; // removed while we looked
    }
    const interpreter = /^interpreter (.*)$/m.exec(text)?.[1];
    if (interpreter === undefined) {
      problems.push(`${name}: no interpreter line`);
      continue;
    }
    const emulator = interpreter.split("/").pop()!;
    let actual: string;
    try {
      actual = sha256Of(interpreter);
    } catch (error) {
      // With F the kernel holds the file open, so a missing path is harmless for running, but the
      // next boot (binfmt.d) would need it: report it unless qus is about to re-create it.
      problems.push(
        `${name}: interpreter ${interpreter} unreadable (${(error as NodeJS.ErrnoException).code})`,
      );
      continue;
    }
    if (actual !== sourceSha(emulator))
      problems.push(`${name}: interpreter ${interpreter} is not a complete copy of ${emulator}`);
  }
  return problems;
}

/** A small deterministic pseudo-random generator (mulberry32), so a failing trial can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
