import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { describe, expect, test } from "vitest";
import {
  decoderFor,
  decompress,
  decompressFed,
  DecompressionError,
  findExecutable,
  type Compression,
  type Feeder,
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
    expect(childPids()).toEqual([]);
  });

  test("prefers the system tool and falls back to the library without one", () => {
    expect(decoderFor("xz", { env: process.env })).toBe(findExecutable("xz"));
    expect(decoderFor("xz", { env: { PATH: "" } })).toBe("xz-decompress (WebAssembly)");
    expect(decoderFor("zstd", { useSystemTools: false })).toBe("fzstd (JavaScript)");
    expect(decoderFor("gzip")).toBe("node:zlib");
  });
});

/** Writes `bytes` in 64 KiB writes, each awaited until the stream no longer holds it. */
function feederOf(bytes: Buffer): Feeder {
  return async (stdin, stop) => {
    for (let at = 0; at < bytes.length && !stop.aborted; at += 65536) {
      await new Promise<void>((resolve, reject) =>
        stdin.write(bytes.subarray(at, at + 65536), (error) => (error ? reject(error) : resolve())),
      );
    }
  };
}

function childPids(): string[] {
  return readdirSync(`/proc/${process.pid}/task`)
    .flatMap((tid) =>
      readFileSync(`/proc/${process.pid}/task/${tid}/children`, "utf8").trim().split(" "),
    )
    .filter((p) => p !== "");
}

/** Runs `body` with os.tmpdir() answering `dir`. */
async function withTmpdir<T>(dir: string, body: () => Promise<T>): Promise<T> {
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    return await body();
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

/** Copies each chunk as it comes: the chunks of decompressFed are views of a reused buffer. */
async function drainCopies(iterable: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of iterable) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

describe("decompressFed (system xz, its input written by a feeder, its output as views)", () => {
  test("returns the original bytes, through a socket that leaves no directory behind", async () => {
    const temp = mkdtempSync(join(tmpdir(), "qus-fed-"));
    try {
      const out = await withTmpdir(temp, () =>
        drainCopies(decompressFed(feederOf(COMPRESSED.xz), "xz", { threads: 1 })),
      );
      expect(out.equals(ORIGINAL)).toBe(true);
      expect(readdirSync(temp)).toEqual([]);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  });

  test("uses a pipe where a socket's path would be too long (a deep temporary directory)", async () => {
    const top = mkdtempSync(join(tmpdir(), "qus-fed-"));
    const deep = join(top, "d".repeat(100), "e".repeat(100));
    mkdirSync(deep, { recursive: true });
    try {
      const out = await withTmpdir(deep, () =>
        drainCopies(decompressFed(feederOf(COMPRESSED.xz), "xz")),
      );
      expect(out.equals(ORIGINAL)).toBe(true);
      expect(readdirSync(deep)).toEqual([]);
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });

  test("a feeder that fails ends the iteration with its error", async () => {
    const failing: Feeder = async (stdin) => {
      await new Promise<void>((resolve) =>
        stdin.write(COMPRESSED.xz.subarray(0, 4096), () => resolve()),
      );
      throw new Error("the package could not be read");
    };
    await expect(drainCopies(decompressFed(failing, "xz"))).rejects.toThrow(
      "the package could not be read",
    );
  });

  test("stopping early kills xz and stops the feeder: no process is left", async () => {
    // An endless input (xz decodes concatenated streams): only stopping can end the feeder.
    let feeding: Promise<boolean> | undefined;
    const endless: Feeder = (stdin, stop) => {
      feeding = (async () => {
        try {
          for (let at = 0; !stop.aborted; at = (at + 4096) % COMPRESSED.xz.length) {
            await new Promise<void>((resolve, reject) =>
              stdin.write(COMPRESSED.xz.subarray(at, at + 4096), (error) =>
                error ? reject(error) : resolve(),
              ),
            );
          }
        } catch {
          // the decoder's stdin was closed under a pending write
        }
        return stop.aborted;
      })();
      return feeding.then(() => undefined);
    };
    let chunks = 0;
    for await (const _ of decompressFed(endless, "xz")) if (++chunks === 3) break;
    expect(await feeding).toBe(true);
    expect(childPids()).toEqual([]);
  });

  test("refuses when xz is not installed (the caller checked before choosing this path)", () => {
    expect(() => decompressFed(feederOf(COMPRESSED.xz), "xz", { env: { PATH: "" } })).toThrow(
      new DecompressionError("xz is not installed"),
    );
  });
});
