// Reads the registered entries and what their interpreter files are, through the probe.
import { QusError } from "../errors.js";
import { elfBytesNeeded, ELF_HEADER_BYTES, readElfHeader } from "../files/elf.js";
import { CONTROL_FILES } from "../kernel/entry-name.js";
import { parseEntry } from "../kernel/entry.js";
import type { LiveEntry } from "../plan/types.js";
import type { InterpreterFacts } from "./checks/entries.js";
import { warning, type Finding } from "./finding.js";
import { BINFMT_DIR, type HostProbe } from "./probe.js";

/** The mounted instance's entries and global status; entries the kernel printed oddly become findings. */
export interface BinfmtContents {
  readonly enabledGlobally: boolean | null;
  readonly entries: readonly LiveEntry[];
  readonly unreadable: readonly Finding[];
}

/** Reads status and every entry of the binfmt_misc mounted at /proc/sys/fs/binfmt_misc. */
export async function readBinfmtContents(probe: HostProbe): Promise<BinfmtContents> {
  const names = (await probe.list(BINFMT_DIR)) ?? [];
  const status = (await probe.readText(`${BINFMT_DIR}/status`))?.trim();
  const entries: LiveEntry[] = [];
  const unreadable: Finding[] = [];
  for (const name of names.filter((n) => !CONTROL_FILES.includes(n))) {
    const path = `${BINFMT_DIR}/${name}`;
    const text = await probe.readText(path);
    if (text === null) continue; // removed while we read
    try {
      entries.push(parseEntry(name, text, path));
    } catch (error) {
      if (!(error instanceof QusError)) throw error;
      unreadable.push(
        warning(
          "entry.unreadable",
          `entry ${name}`,
          error.message,
          "report this to the qus maintainers",
        ),
      );
    }
  }
  const enabledGlobally = status === "enabled" ? true : status === "disabled" ? false : null;
  return { enabledGlobally, entries, unreadable };
}

/** Whether the interpreter exists, how it is linked and which QEMU it is. */
export async function interpreterFacts(probe: HostProbe, path: string): Promise<InterpreterFacts> {
  if (!(await probe.exists(path))) return { exists: false };
  return {
    exists: true,
    linking: await linking(probe, path),
    version: await probe.emulatorVersion(path),
  };
}

async function linking(probe: HostProbe, path: string): Promise<"static" | "dynamic" | "not-elf"> {
  try {
    const start = await probe.readHead(path, ELF_HEADER_BYTES);
    if (start === null) return "not-elf";
    const bytes = await probe.readHead(path, elfBytesNeeded(start));
    if (bytes === null) return "not-elf";
    return readElfHeader(bytes).hasInterp ? "dynamic" : "static";
  } catch (error) {
    if (error instanceof QusError) return "not-elf";
    throw error;
  }
}
