// Loads a JS or TS config with Node's own module loader. The standalone executable needs it:
// there require() loads only Node's built-ins (cosmiconfig's loaders cannot reach the file), its
// import() answers "no such built-in module", and the typescript package is not built in. Node
// 26's import() through the main context's loader runs .js/.mjs/.cjs as the npm package does
// (top-level await included) and a .ts config with its types removed.
import { pathToFileURL } from "node:url";
import vm from "node:vm";
import type { SyntaxProblem } from "./js-syntax.js";

/** The feature Node names in the one warning this loader silences (it prints on first use). */
const LOADER_FEATURE = "vm.USE_MAIN_CONTEXT_DEFAULT_LOADER";

// Why: in a single executable application the ordinary import() and require() cannot load a file.
/** The module's default export (a CommonJS module's `module.exports`). */
export async function importNativeModule(file: string): Promise<unknown> {
  const importer = vm.compileFunction("return import(url)", ["url"], {
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  }) as (url: string) => Promise<{ default?: unknown }>;
  const emitWarning = process.emitWarning;
  // Node calls it "experimental" on first use; qus relies on it only inside the executable,
  // whose Node version is pinned, so users would see a warning about qus's build, not their config.
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === "string" ? warning : warning?.message;
    if (typeof text === "string" && text.startsWith(LOADER_FEATURE)) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    const namespace = await importer(pathToFileURL(file).href);
    return namespace.default;
  } finally {
    process.emitWarning = emitWarning;
  }
}

/** Node's codes for a TypeScript config its type stripping cannot read. */
export function isTypeScriptSyntaxError(error: unknown): boolean {
  const code = safeRead(() => (error as NodeJS.ErrnoException).code);
  return code === "ERR_INVALID_TYPESCRIPT_SYNTAX" || code === "ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX";
}

/** True when the type stripper met TypeScript that has no plain-JavaScript form (enum...). */
export function isUnsupportedTypeScript(error: unknown): boolean {
  return (
    safeRead(() => (error as NodeJS.ErrnoException).code) === "ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX"
  );
}

/**
 * The syntax error Node's loader threw, at its line and column: from the stack Node decorates
 * for CommonJS and TypeScript (`<file>:LINE`, the source line, a caret line), else, for an ES
 * module (whose error carries no position), from acorn's parse of the same text. Undefined when
 * the error is not a SyntaxError, or is one the module threw while it ran (its text parses).
 */
export async function nativeSyntaxProblem(
  error: unknown,
  content: string,
): Promise<SyntaxProblem | undefined> {
  const name = safeRead(() => (error as Error).name);
  const message = safeRead(() => (error as Error).message);
  if (name !== "SyntaxError" || typeof message !== "string") return undefined;
  const text = isTypeScriptSyntaxError(error) ? message : `SyntaxError: ${message}`;
  const decorated = decoratedPosition(safeRead(() => (error as Error).stack));
  if (decorated !== undefined) return { ...decorated, message: text };
  if (isTypeScriptSyntaxError(error)) return { message: text };
  // A SyntaxError the config threw while running (JSON.parse...) is not one in its text.
  const position = await acornPosition(content);
  return position === undefined ? undefined : { ...position, message: text };
}

/** LINE from `<where>:LINE` on the first line, COLUMN from the caret line below the source shown. */
export function decoratedPosition(stack: unknown): { line: number; column?: number } | undefined {
  if (typeof stack !== "string") return undefined;
  const lines = stack.split("\n");
  const line = /:(\d+)$/.exec(lines[0] ?? "")?.[1];
  if (line === undefined || /^\w*Error\b/.test(lines[0] ?? "")) return undefined;
  // The source shown may span lines (TypeScript's does): the caret is under the last of them.
  const snippet = lines.slice(1, Math.max(1, lines.indexOf("")));
  const caret = snippet.find((text) => /^ *\^+ *$/.test(text))?.indexOf("^") ?? -1;
  return { line: Number(line), ...(caret < 0 ? {} : { column: caret + 1 }) };
}

/** Where acorn, parsing the text as an ES module, finds the first error; undefined: it parses. */
async function acornPosition(
  content: string,
): Promise<{ line?: number; column?: number } | undefined> {
  const { parse } = await import("acorn");
  try {
    parse(content, { ecmaVersion: "latest", sourceType: "module", allowHashBang: true });
    return undefined;
  } catch (error) {
    const loc = safeRead(() => (error as { loc?: { line: number; column: number } }).loc);
    return loc === undefined ? {} : { line: loc.line, column: loc.column + 1 };
  }
}

/** A property of a thrown value, or undefined when reading it throws (a hostile Proxy). */
function safeRead<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
