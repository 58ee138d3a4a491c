// The bundled xz decoder in worker threads: the same bytes as xz(1), several streams at once,
// workers freed and reused after early stops, aborts and corrupt data.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { bytesSource } from "../../../src/sources/archive/byte-source.js";
import { DecompressionError } from "../../../src/sources/archive/decompress.js";
import { readXzLayout, xzRun, type XzLayout } from "../../../src/sources/archive/xz-index.js";
import { loadXzWasmModule } from "../../../src/sources/archive/xz-wasm-module.js";
import { XzWasmPool } from "../../../src/sources/archive/xz-wasm-pool.js";
import { tempDirs } from "../temp-dirs.js";

const makeDir = tempDirs();

const ORIGINAL = Buffer.from(
  Array.from({ length: 40_000 }, (_, i) =>
    createHash("sha256")
      .update(String(i % 7000))
      .digest("hex"),
  ).join(""),
);
const COMPRESSED = execFileSync("xz", ["-c", "-0", "-T2", "--block-size=256KiB"], {
  input: ORIGINAL,
  maxBuffer: 64 * 1024 * 1024,
});

let path: string;
let layout: XzLayout;
let pool: XzWasmPool;
beforeAll(async () => {
  path = join(await makeDir("qus-xz-pool-"), "data.xz");
  await writeFile(path, COMPRESSED);
  layout = await readXzLayout(bytesSource(COMPRESSED), 0, COMPRESSED.length);
  pool = new XzWasmPool(await loadXzWasmModule(), 2);
});
afterAll(async () => pool.close());

async function drain(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(Buffer.from(chunk)); // copies: a chunk lives until the next is asked for
  return Buffer.concat(parts);
}

const runFrom = (from: number) => ({ path, ...xzRun(layout, from) });
const suffixFrom = (from: number) => ORIGINAL.subarray(layout.blocks[from]?.uncompressedOffset);

describe("XzWasmPool", () => {
  test("the module taken from xz-decompress is a compiled module with the exports the worker drives", async () => {
    const module = await loadXzWasmModule();
    const wasm = (
      globalThis as unknown as {
        WebAssembly: { Module: { exports(m: unknown): Array<{ name: string }> } };
      }
    ).WebAssembly;
    const names = wasm.Module.exports(module).map((e) => e.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "memory",
        "create_context",
        "destroy_context",
        "supply_input",
        "get_next_output",
      ]),
    );
  });

  test("decodes a whole file and runs from any block, several at once on two threads, like xz(1)", async () => {
    expect(layout.blocks.length).toBeGreaterThan(5);
    const whole = drain(
      pool.decode({
        path,
        head: new Uint8Array(0),
        start: 0,
        end: COMPRESSED.length,
        tail: new Uint8Array(0),
      }),
    );
    const runs = [1, 3, layout.blocks.length - 1].map((from) => drain(pool.decode(runFrom(from))));
    expect((await whole).equals(ORIGINAL)).toBe(true);
    const decoded = await Promise.all(runs);
    expect(decoded[0]?.equals(suffixFrom(1))).toBe(true);
    expect(decoded[1]?.equals(suffixFrom(3))).toBe(true);
    expect(decoded[2]?.equals(suffixFrom(layout.blocks.length - 1))).toBe(true);
  });

  test("reports the compressed bytes its worker read", async () => {
    let read = 0;
    await drain(pool.decode(runFrom(2), undefined, (bytes) => (read = bytes)));
    const run = xzRun(layout, 2);
    expect(read).toBe(run.end - run.start);
  });

  test("a chunk's buffer goes back to the worker once the next chunk is asked for", async () => {
    const iterator = pool.decode(runFrom(0))[Symbol.asyncIterator]();
    const first = (await iterator.next()).value as Uint8Array;
    expect(first.length).toBeGreaterThan(0);
    await iterator.next();
    expect(first.byteLength).toBe(0); // detached: handed back for reuse
    await iterator.return?.(undefined);
  });

  test("stopping early frees the worker: the next streams decode fully", async () => {
    for (let i = 0; i < 3; i++) {
      for await (const chunk of pool.decode(runFrom(0))) {
        expect(chunk.length).toBeGreaterThan(0);
        break;
      }
    }
    expect((await drain(pool.decode(runFrom(4)))).equals(suffixFrom(4))).toBe(true);
  });

  test("an abort ends the stream with DecompressionError and keeps the worker usable", async () => {
    const stop = new AbortController();
    const chunks = pool.decode(runFrom(0), stop.signal);
    const error = await (async () => {
      for await (const _ of chunks) stop.abort();
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecompressionError);
    expect((error as Error).message).toMatch(/stopped/);
    expect((await drain(pool.decode(runFrom(5)))).equals(suffixFrom(5))).toBe(true);
  });

  test("corrupt data and a missing file are DecompressionErrors", async () => {
    const bad = Buffer.from(COMPRESSED);
    for (let i = 2000; i < bad.length - 100; i += 5000) bad[i] = (bad[i] as number) ^ 0x55;
    const badPath = join(await makeDir("qus-xz-bad-"), "bad.xz");
    await writeFile(badPath, bad);
    await expect(drain(pool.decode({ ...runFrom(0), path: badPath }))).rejects.toThrow(
      DecompressionError,
    );
    await expect(drain(pool.decode({ ...runFrom(0), path: `${badPath}.missing` }))).rejects.toThrow(
      /cannot open the package/,
    );
    expect((await drain(pool.decode(runFrom(1)))).equals(suffixFrom(1))).toBe(true);
  });

  test("a closed pool refuses new streams", async () => {
    const closed = new XzWasmPool(await loadXzWasmModule(), 1);
    expect((await drain(closed.decode(runFrom(6)))).equals(suffixFrom(6))).toBe(true);
    await closed.close();
    await expect(drain(closed.decode(runFrom(6)))).rejects.toThrow(/closed/);
  });
});
