// SHA-256 of files, read through one reused buffer: emulators are 10+ MB each and a .deb 60-90
// MB, so nothing is read whole into memory, and no read gets fresh memory (a stream's new 1 MiB
// buffer per read cost ~2,000 page faults for one .deb, ~12 us each on some virtual machines).
import { open } from "node:fs/promises";
import { nodeCrypto } from "./node-crypto.js";

/** A file's content identity: what the state file, the lock file and the plan compare. */
export interface FileDigest {
  /** Lowercase hex. */
  readonly sha256: string;
  readonly size: number;
}

const CHUNK_BYTES = 1024 * 1024;
/** A read buffer no hash is using; hashes running at once take their own. */
let spareBuffer: Buffer | null = null;

/** Hashes a file, read in chunks. Rejects with the fs error (code ENOENT, EACCES...) unchanged. */
export async function sha256File(path: string): Promise<FileDigest> {
  const hash = (await nodeCrypto()).createHash("sha256");
  const handle = await open(path, "r");
  const buffer = spareBuffer ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
  spareBuffer = null;
  let size = 0;
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      size += bytesRead;
    }
  } finally {
    spareBuffer = buffer;
    await handle.close();
  }
  return { sha256: hash.digest("hex"), size };
}

/** Like sha256File, but null when the file does not exist (how the planner sees a missing file). */
export async function sha256FileIfExists(path: string): Promise<FileDigest | null> {
  try {
    return await sha256File(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** SHA-256 of bytes in memory (small files: state, lock, binfmt.d). */
export async function sha256Bytes(data: string | Uint8Array): Promise<FileDigest> {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  return {
    sha256: (await nodeCrypto()).createHash("sha256").update(bytes).digest("hex"),
    size: bytes.length,
  };
}
