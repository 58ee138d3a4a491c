// Turns a package's compressed data member into a stream of tar bytes. xz dominates the cost of
// extraction: a system `xz` (multi-threaded, native) is much faster here than the WebAssembly
// decoder, so it is preferred when installed and the library is the fallback; the same for
// zstd (Node 20's zlib has none). Stopping the returned stream early stops the decoder too.
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";

/** The compressions Debian uses for data.tar. */
export type Compression = "none" | "xz" | "zstd" | "gzip";

/** How to decompress: with `useSystemTools: false` only the bundled libraries are used. */
export interface DecompressOptions {
  readonly useSystemTools?: boolean;
  /** Where PATH is read from to find `xz` and `zstd`. */
  readonly env?: NodeJS.ProcessEnv;
  /** System xz only: decoder threads (default 0, one per core); 1 keeps its memory to the dictionary. */
  readonly threads?: number;
  /** System tools only: aborting kills the tool; the iteration then throws DecompressionError. */
  readonly signal?: AbortSignal;
}

/** The data could not be decompressed (corrupt input, or the decoder failed). */
export class DecompressionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DecompressionError";
  }
}

/** Finds an executable on PATH; null when absent. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (const directory of (env.PATH ?? "").split(delimiter)) {
    if (directory === "") continue;
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

const SYSTEM_COMMANDS: Readonly<
  Record<"xz" | "zstd", { name: string; args: (options: DecompressOptions) => string[] }>
> = {
  // --threads=0: xz >= 5.4 decodes independent blocks on every core; older versions ignore it.
  xz: {
    name: "xz",
    args: (options) => ["--decompress", "--stdout", `--threads=${options.threads ?? 0}`],
  },
  zstd: { name: "zstd", args: () => ["--decompress", "--stdout", "-q"] },
};

/** Which decoder `decompress` will use, for logs and benchmarks. */
export function decoderFor(compression: Compression, options: DecompressOptions = {}): string {
  if (compression === "xz" || compression === "zstd") {
    const tool =
      options.useSystemTools === false
        ? null
        : findExecutable(SYSTEM_COMMANDS[compression].name, options.env);
    return tool ?? (compression === "xz" ? "xz-decompress (WebAssembly)" : "fzstd (JavaScript)");
  }
  return compression === "gzip" ? "node:zlib" : "none";
}

async function* viaChildProcess(
  input: Readable,
  executable: string,
  args: string[],
  label: string,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  const child = spawn(executable, args, { stdio: ["pipe", "pipe", "pipe"] });
  const onAbort = (): void => void child.kill("SIGKILL");
  signal?.addEventListener("abort", onAbort, { once: true });
  if (signal?.aborted === true) onAbort();
  const stderr: Buffer[] = [];
  child.stderr.on("data", (chunk: Buffer) => {
    if (stderr.length < 64) stderr.push(chunk);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolve) => {
      child.on("error", (error) => resolve({ code: null, signal: null, error }));
      child.on("close", (code, signal) => resolve({ code, signal }));
    },
  );
  // Closing stdin early (when the caller stops reading) is expected: ignore EPIPE.
  child.stdin.on("error", () => undefined);
  input.on("error", (error) => child.stdout.destroy(error));
  input.pipe(child.stdin);
  let finished = false;
  try {
    for await (const chunk of child.stdout) yield chunk as Buffer;
    const result = await exited;
    if (signal?.aborted === true) throw new DecompressionError(`${label} was stopped`);
    if (result.error !== undefined)
      throw new DecompressionError(`${label} could not run: ${result.error.message}`, {
        cause: result.error,
      });
    if (result.code !== 0) {
      const message = Buffer.concat(stderr).toString("utf8").trim();
      throw new DecompressionError(
        `${label} failed (exit ${String(result.code ?? result.signal)}): ${message}`,
      );
    }
    finished = true;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    if (!finished) {
      input.unpipe(child.stdin);
      input.destroy();
      child.stdin.destroy();
      child.stdout.destroy();
      child.kill("SIGKILL");
      await exited;
    }
  }
}

async function* viaXzLibrary(input: Readable): AsyncGenerator<Uint8Array> {
  const module = (await import("xz-decompress")) as unknown as {
    XzReadableStream?: new (stream: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
    default?: {
      XzReadableStream: new (stream: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
    };
  };
  const XzReadableStream = module.XzReadableStream ?? module.default?.XzReadableStream;
  if (XzReadableStream === undefined)
    throw new DecompressionError("xz-decompress does not export XzReadableStream");
  // A pull-based web stream over the input: Readable.toWeb pushes, and enqueues after cancel().
  const chunks = input[Symbol.asyncIterator]();
  const web = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      try {
        if (next.done === true) controller.close();
        else controller.enqueue(next.value as Uint8Array);
      } catch {
        // cancelled meanwhile: nothing more to deliver
      }
    },
    async cancel() {
      await chunks.return?.();
    },
  });
  const reader = new XzReadableStream(web).getReader();
  let finished = false;
  try {
    for (;;) {
      let next: Awaited<ReturnType<typeof reader.read>>;
      try {
        next = await reader.read();
      } catch (error) {
        throw new DecompressionError(`xz data is corrupt: ${(error as Error).message}`, {
          cause: error,
        });
      }
      if (next.done) break;
      yield next.value;
    }
    finished = true;
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    input.destroy();
  }
}

async function* viaZstdLibrary(input: Readable): AsyncGenerator<Uint8Array> {
  const { Decompress } = await import("fzstd");
  const out: Uint8Array[] = [];
  const decoder = new Decompress((chunk) => {
    if (chunk.length > 0) out.push(chunk);
  });
  const push = (chunk: Uint8Array, final: boolean): void => {
    try {
      decoder.push(chunk, final);
    } catch (error) {
      throw new DecompressionError(`zstd data is corrupt: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };
  try {
    for await (const chunk of input) {
      push(chunk as Buffer, false);
      while (out.length > 0) yield out.shift() as Uint8Array;
    }
    push(new Uint8Array(0), true);
    while (out.length > 0) yield out.shift() as Uint8Array;
  } finally {
    input.destroy();
  }
}

async function* viaGunzip(input: Readable): AsyncGenerator<Uint8Array> {
  const gunzip = createGunzip();
  input.on("error", (error) => gunzip.destroy(error));
  input.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (error) {
    throw new DecompressionError(`gzip data is corrupt: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    input.destroy();
    gunzip.destroy();
  }
}

async function* passThrough(input: Readable): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of input) yield chunk as Buffer;
  } finally {
    input.destroy();
  }
}

/**
 * Decompresses `input` as it arrives. Returning early from the iteration (break, throw) kills
 * the decoder and destroys `input`. Corrupt data throws DecompressionError.
 */
export function decompress(
  input: Readable,
  compression: Compression,
  options: DecompressOptions = {},
): AsyncGenerator<Uint8Array> {
  if (compression === "none") return passThrough(input);
  if (compression === "gzip") return viaGunzip(input);
  const command = SYSTEM_COMMANDS[compression];
  const tool = options.useSystemTools === false ? null : findExecutable(command.name, options.env);
  if (tool !== null)
    return viaChildProcess(input, tool, command.args(options), command.name, options.signal);
  return compression === "xz" ? viaXzLibrary(input) : viaZstdLibrary(input);
}
