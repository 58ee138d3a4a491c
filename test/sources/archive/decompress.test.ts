import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { describe, expect, test } from "vitest";
import {
  decoderFor,
  decompress,
  DecompressionError,
  findExecutable,
  type Compression,
} from "../../../src/sources/archive/decompress.js";

// Compressible but not trivial: 3 MiB of repeating pseudo-random text.
const ORIGINAL = Buffer.from(
  Array.from({ length: (3 * 1024 * 1024) / 64 }, (_, i) =>
    createHash("sha256")
      .update(String(i % 5000))
      .digest("hex"),
  ).join(""),
);

function compressWith(tool: "xz" | "zstd", data: Buffer, args: string[] = []): Buffer {
  if (findExecutable(tool) === null)
    throw new Error(
      `${tool} is needed to make test data (apt-get install ${tool === "xz" ? "xz-utils" : "zstd"})`,
    );
  return execFileSync(tool, ["-c", ...args], { input: data, maxBuffer: 64 * 1024 * 1024 });
}

const COMPRESSED: Record<Exclude<Compression, "none">, Buffer> = {
  // Several independent blocks, as dpkg-deb writes them.
  xz: compressWith("xz", ORIGINAL, ["-T2", "--block-size=1MiB"]),
  zstd: compressWith("zstd", ORIGINAL, ["-q"]),
  gzip: gzipSync(ORIGINAL),
};

function source(bytes: Buffer, chunk = 64 * 1024): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) parts.push(bytes.subarray(i, i + chunk));
  return Readable.from(parts);
}

async function drain(iterable: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of iterable) parts.push(chunk);
  return Buffer.concat(parts);
}

function corrupt(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  for (let i = Math.floor(copy.length / 3); i < copy.length - 16; i += 997)
    copy[i] = (copy[i] as number) ^ 0xa5;
  return copy;
}

describe("decompress", () => {
  test.each([
    ["xz", true],
    ["xz", false],
    ["zstd", true],
    ["zstd", false],
    ["gzip", true],
  ] as const)(
    "%s (system tools: %s) returns the original bytes",
    async (compression, useSystemTools) => {
      const out = await drain(
        decompress(source(COMPRESSED[compression]), compression, { useSystemTools }),
      );
      expect(out.equals(ORIGINAL)).toBe(true);
    },
  );

  test("passes uncompressed data through", async () => {
    expect((await drain(decompress(source(ORIGINAL), "none"))).equals(ORIGINAL)).toBe(true);
  });

  // fzstd does not check zstd's content checksum, so only the system zstd is expected to notice;
  // qus verifies every package's SHA-256 before decompressing it, which is what protects it.
  test.each([
    ["xz", true],
    ["xz", false],
    ["zstd", true],
    ["gzip", true],
  ] as const)(
    "%s (system tools: %s) reports corrupt data as DecompressionError",
    async (compression, useSystemTools) => {
      await expect(
        drain(
          decompress(source(corrupt(COMPRESSED[compression])), compression, { useSystemTools }),
        ),
      ).rejects.toBeInstanceOf(DecompressionError);
    },
  );

  test.each([true, false])(
    "stopping early (system tools: %s) stops the decoder and the input",
    async (useSystemTools) => {
      const input = source(COMPRESSED.xz, 4096);
      let received = 0;
      for await (const chunk of decompress(input, "xz", { useSystemTools })) {
        received += chunk.length;
        break;
      }
      expect(received).toBeGreaterThan(0);
      expect(received).toBeLessThan(ORIGINAL.length);
      expect(input.destroyed).toBe(true);
    },
  );

  test("a system xz held to one thread decodes the same bytes", async () => {
    expect(
      (await drain(decompress(source(COMPRESSED.xz), "xz", { threads: 1 }))).equals(ORIGINAL),
    ).toBe(true);
  });

  test("aborting the signal kills the system tool: the iteration throws and no process is left", async () => {
    const stop = new AbortController();
    const error = await (async () => {
      for await (const _ of decompress(source(COMPRESSED.xz, 4096), "xz", { signal: stop.signal }))
        stop.abort();
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecompressionError);
    expect((error as Error).message).toBe("xz was stopped");
    const children = readdirSync(`/proc/${process.pid}/task`)
      .flatMap((tid) =>
        readFileSync(`/proc/${process.pid}/task/${tid}/children`, "utf8").trim().split(" "),
      )
      .filter((p) => p !== "");
    expect(children).toEqual([]);
  });

  test("prefers the system tool and falls back to the library without one", () => {
    expect(decoderFor("xz", { env: process.env })).toBe(findExecutable("xz"));
    expect(decoderFor("xz", { env: { PATH: "" } })).toBe("xz-decompress (WebAssembly)");
    expect(decoderFor("zstd", { useSystemTools: false })).toBe("fzstd (JavaScript)");
    expect(decoderFor("gzip")).toBe("node:zlib");
  });
});
