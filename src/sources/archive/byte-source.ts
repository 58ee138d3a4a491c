// Random access to bytes, from a file or from memory, so the binary readers (ar) work the same
// on a 60 MB .deb on disk and on a small buffer in a test, without reading the whole file.
import { open, type FileHandle } from "node:fs/promises";

/** Bytes that can be read at any offset. Reads past the end return fewer bytes. */
export interface ByteSource {
  readonly size: number;
  read(position: number, length: number): Promise<Uint8Array>;
}

/** A ByteSource over bytes in memory. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (position, length) =>
      bytes.subarray(Math.min(position, bytes.length), Math.min(position + length, bytes.length)),
  };
}

/** An open file as a ByteSource; close it when done. */
export interface FileByteSource extends ByteSource {
  close(): Promise<void>;
}

/** Opens a file for positioned reads. */
export async function openFileSource(path: string): Promise<FileByteSource> {
  const handle: FileHandle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    return {
      size,
      async read(position, length) {
        const buffer = new Uint8Array(Math.max(0, Math.min(length, size - position)));
        let filled = 0;
        while (filled < buffer.length) {
          const { bytesRead } = await handle.read(
            buffer,
            filled,
            buffer.length - filled,
            position + filled,
          );
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return buffer.subarray(0, filled);
      },
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
