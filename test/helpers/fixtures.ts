// Where the real test inputs live (QEMU emulators and packages from Debian, a foreign static
// binary) and how to run the built CLI. Everything resolves from the environment, so the same
// tests run on any machine after `scripts/setup.sh`; a missing input fails a test, it never skips.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is test/helpers/fixtures.ts). */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

const SETUP_ADVICE = "run scripts/setup.sh (as root on Debian 12) to fetch the real test fixtures";

/** The fixtures directory: $QUS_FIXTURES, else ${XDG_CACHE_HOME:-$HOME/.cache}/qus-test-fixtures. */
export function fixturesDir(): string {
  const explicit = process.env.QUS_FIXTURES;
  if (explicit !== undefined && explicit !== "") return resolve(explicit);
  const cache = process.env.XDG_CACHE_HOME;
  return join(
    cache !== undefined && cache !== "" ? cache : join(homedir(), ".cache"),
    "qus-test-fixtures",
  );
}

/** The directory holding every qemu-<target>-static extracted from Debian's package. */
export function qemuDir(): string {
  return join(fixturesDir(), "qemu");
}

/** The real Debian emulator for a target, e.g. emulatorPath("aarch64") → .../qemu-aarch64-static. */
export function emulatorPath(target: string): string {
  return join(qemuDir(), `qemu-${target}-static`);
}

/** A real static aarch64 busybox (from Debian's busybox-static:arm64), foreign to an x86_64 host. */
export function foreignBusybox(): string {
  return join(fixturesDir(), "foreign", "arm64", "busybox");
}

function findDeb(prefix: string): string | undefined {
  const debs = join(fixturesDir(), "debs");
  const names = existsSync(debs)
    ? readdirSync(debs).filter((n) => n.startsWith(prefix) && n.endsWith(".deb"))
    : [];
  const newest = names.sort().at(-1);
  return newest === undefined ? undefined : join(debs, newest);
}

function requireDeb(prefix: string): string {
  const deb = findDeb(prefix);
  if (deb === undefined) {
    throw new Error(
      `test fixture missing: ${join(fixturesDir(), "debs", `${prefix}*.deb`)}; ${SETUP_ADVICE}`,
    );
  }
  return deb;
}

/** The real qemu-user-static .deb for this host's architecture (Debian bookworm). */
export function qemuDeb(): string {
  return requireDeb("qemu-user-static_");
}

/** The real busybox-static arm64 .deb (a small real package). */
export function busyboxDeb(): string {
  return requireDeb("busybox-static_");
}

/** Throws a clear Error naming what is missing when the fixtures are not all in place. */
export function requireFixtures(): void {
  const missing: string[] = [];
  const mustBeExecutable = [
    emulatorPath("aarch64"),
    emulatorPath("arm"),
    emulatorPath("riscv64"),
    foreignBusybox(),
  ];
  for (const path of mustBeExecutable) {
    if (!existsSync(path) || (statSync(path).mode & 0o111) === 0) missing.push(path);
  }
  for (const prefix of ["qemu-user-static_", "busybox-static_"]) {
    if (findDeb(prefix) === undefined) missing.push(join(fixturesDir(), "debs", `${prefix}*.deb`));
  }
  if (missing.length > 0) {
    throw new Error(
      `test fixtures missing under ${fixturesDir()}: ${missing.join(", ")}; ${SETUP_ADVICE}`,
    );
  }
}

/** The built CLI entry, as package.json's "bin" names it. */
export function cliPath(): string {
  return join(projectRoot, "dist", "bin", "qus.js");
}

function newestMtime(directory: string): { path: string; mtimeMs: number } {
  let newest = { path: directory, mtimeMs: 0 };
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    const candidate = entry.isDirectory()
      ? newestMtime(path)
      : { path, mtimeMs: statSync(path).mtimeMs };
    if (candidate.mtimeMs > newest.mtimeMs) newest = candidate;
  }
  return newest;
}

/** Throws "run npm run build" when dist/bin/qus.js is missing or older than the newest file in src/. */
export function requireBuilt(): void {
  const cli = cliPath();
  if (!existsSync(cli)) throw new Error(`${cli} does not exist: run npm run build`);
  const source = newestMtime(join(projectRoot, "src"));
  if (statSync(cli).mtimeMs < source.mtimeMs) {
    throw new Error(`${cli} is older than ${source.path}: run npm run build`);
  }
}

/** What a CLI run produced. `code` is null when the process was killed by a signal. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** How to run the CLI: env entries override the inherited environment (undefined removes one). */
export interface CliOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Written to stdin, which is then closed; without it stdin is empty (never a TTY). */
  readonly input?: string;
  readonly timeoutMs?: number;
}

let builtChecked = false;

/** Runs `node dist/bin/qus.js ...args` as a child process without a TTY and collects its output. */
export async function runCli(
  args: readonly string[],
  options: CliOptions = {},
): Promise<CliResult> {
  if (!builtChecked) {
    requireBuilt();
    builtChecked = true;
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const child = spawn(process.execPath, [cliPath(), ...args], {
    cwd: options.cwd ?? projectRoot,
    env,
    stdio: ["pipe", "pipe", "pipe"],
    timeout: options.timeoutMs ?? 20_000,
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  child.stdin.on("error", () => undefined); // the CLI may exit without reading stdin
  child.stdin.end(options.input ?? "");
  return new Promise((resolvePromise, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      resolvePromise({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      });
    });
  });
}
