// Recovers the SyntaxError of an ES module config. When an ES module fails to parse, Node 20's
// import() error is swallowed by cosmiconfig's require() retry, which then fails with a
// misleading "not yet fully loaded" assertion; `node --check` states the real error and line.
// Only for the npm package: in the standalone executable process.execPath is qus, not node, and
// native-module.ts places the error instead.
import { spawn } from "node:child_process";

/** Where a syntax error is and what it is. */
export interface SyntaxProblem {
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

/** True for the error cosmiconfig's JS loader ends with when an ES module does not parse. */
export function isMaskedModuleError(error: unknown): boolean {
  // Anything can be thrown, even a Proxy whose property reads throw: that is not this error.
  try {
    const e = error as NodeJS.ErrnoException | null | undefined;
    return (
      e?.code === "ERR_INTERNAL_ASSERTION" ||
      /Cannot require\(\) ES Module/.test(String(e?.message))
    );
  } catch {
    return false;
  }
}

/** The syntax error in ES module source, or undefined when it parses (or cannot be checked). */
export async function findModuleSyntaxError(source: string): Promise<SyntaxProblem | undefined> {
  const stderr = await new Promise<string | undefined>((resolve) => {
    const child = spawn(process.execPath, ["--input-type=module", "--check"], {
      stdio: ["pipe", "ignore", "pipe"],
      timeout: 10_000,
    });
    let output = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.on("error", () => resolve(undefined));
    child.on("close", (code) => resolve(code === 0 ? undefined : output));
    child.stdin.on("error", () => undefined).end(source);
  });
  if (stderr === undefined) return undefined;
  // [stdin]:LINE / source line / caret line / blank / SyntaxError: message / stack...
  const lines = stderr.split("\n");
  const message = lines.find((l) => /^\w*Error: /.test(l));
  if (message === undefined) return undefined;
  const line = /^\[stdin\]:(\d+)$/.exec(lines[0] ?? "")?.[1];
  const caret = lines[2]?.indexOf("^") ?? -1;
  return {
    ...(line === undefined ? {} : { line: Number(line) }),
    ...(line === undefined || caret < 0 ? {} : { column: caret + 1 }),
    message,
  };
}
