// Random hex for temporary file names, read from the kernel's generator: loading node:crypto for
// a few bytes costs an apply more than its writes to binfmt_misc do.
import { closeSync, openSync, readSync } from "node:fs";

/** `bytes` random bytes from /dev/urandom, as lowercase hex. */
export function randomHex(bytes: number): string {
  const buffer = Buffer.alloc(bytes);
  const fd = openSync("/dev/urandom", "r");
  try {
    let filled = 0;
    while (filled < bytes) filled += readSync(fd, buffer, filled, bytes - filled, null);
  } finally {
    closeSync(fd);
  }
  return buffer.toString("hex");
}
