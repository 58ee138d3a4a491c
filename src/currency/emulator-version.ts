// Reads the QEMU version an emulator file reports, WITHOUT executing it: static QEMU binaries
// keep the `-version` text (`qemu-aarch64 version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)`)
// in their read-only data. The file is scanned in chunks that overlap by more than the longest
// text, and the scan stops at the first match. Parsing is `qemu-version.ts`.
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
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(CHUNK_BYTES + OVERLAP_BYTES);
    let carried = 0;
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, carried, CHUNK_BYTES, position);
      if (bytesRead === 0) return undefined;
      position += bytesRead;
      const filled = carried + bytesRead;
      const text = buffer.toString("latin1", 0, filled);
      const match = EMULATOR_VERSION_PATTERN.exec(text);
      // A match that reaches the end of what was read may be cut short: read on, keeping the tail.
      if (match !== null && match.index + match[0].length < filled) {
        return parseEmulatorVersionText(match[0]);
      }
      carried = Math.min(OVERLAP_BYTES, filled);
      buffer.copy(buffer, 0, filled - carried, filled);
    }
  } finally {
    await handle.close();
  }
}
