// The system decoder of the block search, fed from the package file through reused buffers: when
// xz stops in the middle of the feeding (here: corrupt data), the decoder's error is what the
// search sees, and no failed write is left as an unhandled rejection (which ends the process).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { DecompressionError } from "../../../src/sources/archive/decompress.js";
import type { XzLayout } from "../../../src/sources/archive/xz-index.js";
import { systemDecoder } from "../../../src/sources/debian/block-decoders.js";

const MiB = 1024 * 1024;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("systemDecoder", () => {
  test("xz failing while the next read of the package is pending: its error, no unhandled rejection", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qus-block-decoders-"));
    dirs.push(dir);
    const path = join(dir, "package.deb");
    await writeFile(path, Buffer.alloc(4 * MiB, 0x5a));
    // A real stream header (so xz starts), then a "block" of garbage, many feed buffers long.
    const header = execFileSync("xz", ["-c"], { input: "" }).subarray(0, 12);
    const layout: XzLayout = {
      streamHeader: header,
      blocks: [
        {
          compressedOffset: 0,
          totalSize: 4 * MiB,
          unpaddedSize: 4 * MiB,
          uncompressedOffset: 0,
          uncompressedSize: 16 * MiB,
        },
      ],
      uncompressedSize: 16 * MiB,
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const decode = systemDecoder(
        { debPath: path, layout, onCompressed: () => undefined },
        { useSystemTools: true },
      );
      const error = await (async () => {
        for await (const _ of decode(0, new AbortController().signal)) {
          // nothing is decoded from garbage
        }
      })().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DecompressionError);
      expect((error as Error).message).toMatch(/^xz failed \(exit 1\)/);
      // Any late rejection surfaces meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
