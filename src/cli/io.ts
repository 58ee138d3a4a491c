// The streams and environment a command talks to, passed in so commands never reach for
// process globals and a view is chosen once per run.
import { lazyWriteStream } from "./fd-stream.js";
import { chooseStyle, colourStyle, plainStyle, type Style } from "../views/style.js";

/** Where a command reads and writes. */
export interface CommandIO {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly stdin: NodeJS.ReadStream;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** The process's own streams (created on first need beyond writing text: see fd-stream.ts). */
export function processIO(): CommandIO {
  return {
    stdout: lazyWriteStream(1, () => process.stdout),
    stderr: lazyWriteStream(2, () => process.stderr),
    // Read on first use: creating process.stdin costs a few milliseconds, and only apply's prompt reads it.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
  };
}

/** The style for a stream: --color/--no-color win, then NO_COLOR/FORCE_COLOR and TTY detection. */
export function styleFor(
  stream: NodeJS.WriteStream,
  env: NodeJS.ProcessEnv,
  color: boolean | undefined,
): Style {
  if (color === false) return plainStyle;
  if (color === true) return colourStyle;
  return chooseStyle(stream, env);
}

/** Writes text followed by a newline unless it already ends with one. */
export function writeLine(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text.endsWith("\n") ? text : `${text}\n`);
}
