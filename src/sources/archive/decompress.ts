// Turns a package's compressed data member into a stream of tar bytes. xz dominates the cost of
// extraction: a system `xz` (multi-threaded, native) is much faster here than the WebAssembly
// decoder, so it is preferred when installed and the library is the fallback; the same for
// zstd (Node 20's zlib has none). Stopping the returned stream early stops the decoder too.
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { createGunzip } from "node:zlib";
import { DecompressionError } from "./decompression-error.js";
import { socketOutput } from "./socket-output.js";
import { viaXzLibrary, viaZstdLibrary } from "./library-decoders.js";

export { DecompressionError } from "./decompression-error.js";

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

/**
 * Writes a system decoder's input into its stdin itself (for instance from reused buffers, which
 * a Readable cannot know are written); resolves when all is written, after which stdin is ended.
 * `stop` is aborted when the decoder is stopped early: the feeder ends quietly.
 */
export type Feeder = (stdin: Writable, stop: AbortSignal) => Promise<void>;

/**
 * Runs a system decoder on `input`. With `views`, its output arrives through a socket read into
 * one reused buffer (socket-output.ts): each chunk is valid only until the next is asked for.
 */
async function* viaChildProcess(
  input: Readable | Feeder,
  executable: string,
  args: string[],
  label: string,
  signal?: AbortSignal,
  views = false,
): AsyncGenerator<Uint8Array> {
  // Where the system refuses the socket (a temporary directory too long for one): a pipe.
  const output = views ? await socketOutput().catch(() => null) : null;
  const child = spawn(executable, args, { stdio: ["pipe", output?.childEnd ?? "pipe", "pipe"] });
  output?.childEnd.destroy();
  // Both are pipes (stdio above): never null.
  const stdin = child.stdin as Writable;
  const stderrStream = child.stderr as Readable;
  const chunks: AsyncIterable<Uint8Array> = output?.chunks ?? (child.stdout as Readable);
  const failOutput = (error: Error): void => {
    if (output !== null) output.fail(error);
    else child.stdout?.destroy(error);
  };
  const onAbort = (): void => void child.kill("SIGKILL");
  signal?.addEventListener("abort", onAbort, { once: true });
  if (signal?.aborted === true) onAbort();
  const stderr: Buffer[] = [];
  stderrStream.on("data", (chunk: Buffer) => {
    if (stderr.length < 64) stderr.push(chunk);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolve) => {
      child.on("error", (error) => resolve({ code: null, signal: null, error }));
      child.on("close", (code, signal) => resolve({ code, signal }));
    },
  );
  // Closing stdin early (when the caller stops reading) is expected: ignore EPIPE.
  stdin.on("error", () => undefined);
  const stopFeeding = new AbortController();
  if (typeof input === "function") {
    input(stdin, stopFeeding.signal).then(
      () => stdin.end(),
      (error: unknown) => {
        if (!stopFeeding.signal.aborted) failOutput(error as Error);
      },
    );
  } else {
    input.on("error", failOutput);
    input.pipe(stdin);
  }
  let finished = false;
  try {
    for await (const chunk of chunks) yield chunk;
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
      stopFeeding.abort();
      if (typeof input !== "function") {
        input.unpipe(stdin);
        input.destroy();
      }
      stdin.destroy();
      child.stdout?.destroy();
      child.kill("SIGKILL");
      await exited;
    }
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

// Why: block runs feed `xz` from reused buffers (a stream's fresh chunk per read cost page faults).
/**
 * Decompresses with the system tool, its input written by `feed`; DecompressionError when the
 * tool is not installed (the caller chose this path having found it). Each chunk is valid only
 * until the next is asked for (its memory is reused): consume or copy it first.
 */
export function decompressFed(
  feed: Feeder,
  compression: "xz" | "zstd",
  options: DecompressOptions = {},
): AsyncGenerator<Uint8Array> {
  const command = SYSTEM_COMMANDS[compression];
  const tool = options.useSystemTools === false ? null : findExecutable(command.name, options.env);
  if (tool === null) throw new DecompressionError(`${command.name} is not installed`);
  return viaChildProcess(feed, tool, command.args(options), command.name, options.signal, true);
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
