// SHA-256 of files, streamed: emulators are 10+ MB each and qus hashes dozens of them per plan,
// so nothing is read whole into memory.
import { createReadStream } from "node:fs";
import { nodeCrypto } from "./node-crypto.js";

/** A file's content identity: what the state file, the lock file and the plan compare. */
export interface FileDigest {
  /** Lowercase hex. */
  readonly sha256: string;
  readonly size: number;
}

const CHUNK_BYTES = 1024 * 1024;

/** Hashes a file by streaming it. Rejects with the fs error (code ENOENT, EACCES...) unchanged. */
export async function sha256File(path: string): Promise<FileDigest> {
  const hash = (await nodeCrypto()).createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
    const bytes = chunk as Buffer;
    hash.update(bytes);
    size += bytes.length;
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
