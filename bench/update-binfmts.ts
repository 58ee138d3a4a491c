// The P5 baseline: Debian's `update-binfmts` (package binfmt-support). When it is not installed,
// the bench fetches the package with apt-get download and unpacks it with dpkg-deb -x into its
// own cache directory: that runs no maintainer script and starts no binfmt-support service, so
// nothing touches the host's binfmt_misc. Format files are written from qus's own catalog.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { TargetInfo } from "../src/catalog/targets.js";

const run = promisify(execFile);
const INSTALLED = ["/usr/sbin/update-binfmts", "/usr/bin/update-binfmts"];

/** Where the bench keeps what it fetched: ${XDG_CACHE_HOME:-~/.cache}/qus-bench. */
export function benchCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME;
  return join(cache !== undefined && cache !== "" ? cache : join(homedir(), ".cache"), "qus-bench");
}

/** The update-binfmts program: the installed one, else one unpacked from binfmt-support. */
export async function findUpdateBinfmts(): Promise<string> {
  const installed = INSTALLED.find((path) => existsSync(path));
  if (installed !== undefined) return installed;
  const dir = join(benchCacheDir(), "binfmt-support");
  const unpacked = join(dir, "root", "usr", "sbin", "update-binfmts");
  if (existsSync(unpacked)) return unpacked;
  await mkdir(dir, { recursive: true });
  try {
    await run("apt-get", ["download", "binfmt-support"], { cwd: dir });
  } catch {
    // The package lists may be missing on a fresh machine; refresh them once and retry.
    await run("apt-get", ["update", "-qq"]);
    await run("apt-get", ["download", "binfmt-support"], { cwd: dir });
  }
  const deb = (await readdir(dir))
    .filter((name) => name.startsWith("binfmt-support_") && name.endsWith(".deb"))
    .sort()
    .at(-1);
  if (deb === undefined) throw new Error(`apt-get download binfmt-support left no .deb in ${dir}`);
  await run("dpkg-deb", ["-x", join(dir, deb), join(dir, "root")]);
  if (!existsSync(unpacked)) throw new Error(`${deb} holds no usr/sbin/update-binfmts`);
  return unpacked;
}

/** binfmt flags update-binfmts can express (it has no option for O on its own). */
export interface FormatFlags {
  readonly preserve: boolean;
  readonly fixBinary: boolean;
  readonly credentials: boolean;
}

/** Hex "7f454c46..." as update-binfmts' `\x7f\x45...` byte sequence. */
export function escapeHex(hex: string): string {
  return hex.replace(/(..)/g, "\\x$1");
}

/** The text of one update-binfmts format file for a catalog target. */
export function formatFile(target: TargetInfo, interpreter: string, flags: FormatFlags): string {
  const yesNo = (value: boolean): string => (value ? "yes" : "no");
  return [
    "package qus-bench",
    `interpreter ${interpreter}`,
    `magic ${escapeHex(target.magic)}`,
    `mask ${escapeHex(target.mask)}`,
    "offset 0",
    `credentials ${yesNo(flags.credentials)}`,
    `preserve ${yesNo(flags.preserve)}`,
    `fix_binary ${yesNo(flags.fixBinary)}`,
    "",
  ].join("\n");
}

/** Writes one format file per entry name into `importDir` (the entry name is the file name). */
export async function writeFormatFiles(
  importDir: string,
  formats: ReadonlyArray<{ name: string; target: TargetInfo; interpreter: string }>,
  flags: FormatFlags,
): Promise<void> {
  await mkdir(importDir, { recursive: true });
  await Promise.all(
    formats.map((f) =>
      writeFile(join(importDir, f.name), formatFile(f.target, f.interpreter, flags)),
    ),
  );
}
