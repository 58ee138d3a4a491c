// P5's baseline: QEMU's own scripts/qemu-binfmt-conf.sh, from the Debian `qemu` source package
// (scripts/fetch-qemu-binfmt-conf.sh fetches it once into the bench cache). It runs by its own
// #! line, registering its whole list (every target but the host's family) with the flags qus
// applies: --persistent yes (F) and --preserve-argv0 yes (P), interpreters in qus's installDir.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { projectRoot } from "./context.js";

const run = promisify(execFile);

/** The script and the interpreter its #! line names (for the bench output). */
export interface QemuBinfmtConf {
  readonly path: string;
  readonly shebang: string;
}

/** Fetches (once) and returns QEMU's qemu-binfmt-conf.sh. */
export async function findQemuBinfmtConf(): Promise<QemuBinfmtConf> {
  const fetch = join(projectRoot(), "scripts", "fetch-qemu-binfmt-conf.sh");
  const { stdout } = await run("bash", [fetch], { maxBuffer: 1024 * 1024 });
  const path = stdout.trim().split("\n").at(-1) ?? "";
  const first = (await readFile(path, "utf8")).split("\n", 1)[0] ?? "";
  if (!first.startsWith("#!")) throw new Error(`${path} has no #! line`);
  return { path, shebang: first.slice(2).trim() };
}

/** The script's arguments for qus's P5 registrations: same flags, same interpreters. */
export function qemuBinfmtConfArgs(installDir: string): string[] {
  return ["--qemu-path", installDir, "--persistent", "yes", "--preserve-argv0", "yes"];
}
