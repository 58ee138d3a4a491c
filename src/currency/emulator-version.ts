// Reads the QEMU version an emulator file reports, WITHOUT executing it: static QEMU binaries
// keep the `-version` text (`qemu-aarch64 version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)`)
// in their read-only data. The file is scanned in chunks that overlap by more than the longest
// text, and the scan stops at the first match. Parsing is `qemu-version.ts`.
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import {
  EMULATOR_VERSION_PATTERN,
  type EmulatorVersion,
  parseEmulatorVersionText,
} from "./qemu-version.js";

const CHUNK_BYTES = 1 << 20;
/** Longer than any version text the pattern accepts (program, version, 200-character note). */
const OVERLAP_BYTES = 320;

// Why: the plan and status name the QEMU version of emulators already on disk.
/** The version text found in the file, or undefined when it has none (not a QEMU emulator). */
export async function readEmulatorVersion(path: string): Promise<EmulatorVersion | undefined> {
  // O_NONBLOCK: a path that is (or was swapped for) a named pipe cannot hang qus here.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!(await handle.stat()).isFile()) return undefined;
    const buffer = Buffer.alloc(CHUNK_BYTES + OVERLAP_BYTES);
    let carried = 0;
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, carried, CHUNK_BYTES, position);
      if (bytesRead === 0) return undefined;
      position += bytesRead;
      const filled = carried + bytesRead;
      const found = findInChunk(buffer, filled);
      if (found !== undefined) return found;
      carried = Math.min(OVERLAP_BYTES, filled);
      buffer.copy(buffer, 0, filled - carried, filled);
    }
  } finally {
    await handle.close();
  }
}

const MARKER = Buffer.from(" version ", "latin1");
/** The longest program name before the marker ("qemu-" and a target name). */
const BEFORE_MARKER = 40;

/**
 * Looks for the version text around each " version " in the first `filled` bytes (a native byte
 * search: decoding the whole chunk to text is ten times slower). A match that reaches the end of
 * what was read may be cut short: it is left for the next chunk, which starts with the tail.
 */
function findInChunk(buffer: Buffer, filled: number): EmulatorVersion | undefined {
  let at = buffer.indexOf(MARKER, 0);
  while (at >= 0 && at < filled) {
    const start = Math.max(0, at - BEFORE_MARKER);
    const window = buffer.toString("latin1", start, Math.min(filled, at + OVERLAP_BYTES));
    const match = EMULATOR_VERSION_PATTERN.exec(window);
    if (match !== null && start + match.index + match[0].length < filled) {
      return parseEmulatorVersionText(match[0]);
    }
    at = buffer.indexOf(MARKER, at + 1);
  }
  return undefined;
}

// Why: `qus status` shows the QEMU version of every registered emulator, qus's own or not.
/** Interpreter path -> upstream QEMU version, for the entries' interpreters that report one. */
export async function interpreterVersions(
  entries: readonly { readonly interpreter: string }[],
): Promise<Map<string, string>> {
  const versions = new Map<string, string>();
  for (const path of new Set(entries.map((entry) => entry.interpreter))) {
    // Unreadable or missing interpreters simply have no version to show.
    const found = await readEmulatorVersion(path).catch(() => undefined);
    if (found !== undefined) versions.set(path, found.upstream.text);
  }
  return versions;
}
