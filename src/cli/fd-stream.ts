// process.stdout and process.stderr cost a few milliseconds to create when they are pipes (Node
// loads its net and stream modules for them), which is most of what a short command does with
// them: it writes some text. These stand-ins write with writeSync on the file descriptor and
// create the real stream only when something else is asked of it (listr2, readline, a write that
// cannot go through at once). Node writes to pipes and files synchronously too, so the order of
// everything written stays the same.
import { fstatSync, writeSync } from "node:fs";
import { createRequire } from "node:module";

/** A WriteStream for fd 1 or 2 that creates the real one (`real`) on first need beyond write(). */
export function lazyWriteStream(fd: 1 | 2, real: () => NodeJS.WriteStream): NodeJS.WriteStream {
  let created: NodeJS.WriteStream | undefined;
  // The stream's own write, kept before anyone (listr2) replaces it with one that calls the old.
  let realWrite: (...args: unknown[]) => boolean = () => false;
  const stream = (): NodeJS.WriteStream => {
    if (created === undefined) {
      created = real();
      realWrite = created.write.bind(created) as typeof realWrite;
    }
    return created;
  };
  const forward = (chunk: string | Uint8Array, rest: unknown[]): boolean => {
    stream();
    return realWrite(chunk, ...rest);
  };
  const write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    if (created !== undefined || rest.length > 0) return forward(chunk, rest);
    let bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    try {
      while (bytes.length > 0) bytes = bytes.subarray(writeSync(fd, bytes));
      return true;
    } catch {
      // EAGAIN on a non-blocking pipe, EPIPE...: the real stream handles them as it always did.
      return forward(bytes, rest);
    }
  };
  return new Proxy({} as NodeJS.WriteStream, {
    get(_target, key) {
      if (key === "write" && created === undefined) return write;
      // Asked by every command that picks colours: a pipe, a file or /dev/null is no terminal.
      if (key === "isTTY" && created === undefined && !isTerminal(fd)) return false;
      const value = Reflect.get(stream(), key) as unknown;
      return typeof value === "function" ? value.bind(stream()) : value;
    },
    set(_target, key, value) {
      return Reflect.set(stream(), key, value);
    },
    // listr2 copies the stream with Object.assign: the copy must keep `columns` (else it wraps at 80).
    ownKeys() {
      return Reflect.ownKeys(stream());
    },
    getOwnPropertyDescriptor(_target, key) {
      const descriptor = Reflect.getOwnPropertyDescriptor(stream(), key);
      return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
    },
  });
}

/**
 * isatty(3), asked only of character devices (a terminal, or /dev/null): Node's tty module loads
 * its net and stream modules, which is what this file saves a pipe or a file from.
 */
function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return true; // let the real stream decide
  }
  const { isatty } = createRequire(import.meta.url)("node:tty") as typeof import("node:tty");
  return isatty(fd);
}
