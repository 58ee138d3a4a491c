// Loads a JS or TS config: through cosmiconfig's loaders in the npm package (TS is compiled with
// the installed typescript), through Node's own loader in the standalone executable (see
// native-module.ts). Only cosmiconfig's loaders are used, never cosmiconfig's search, so no meta-config and no
// `$import` can change what is loaded (see discover.ts). Whatever the module does wrong
// becomes a ConfigError naming the file, never a stack trace.
import { extname } from "node:path";
import { commonJsExport } from "../commonjs-export.js";
import { ConfigError } from "../errors.js";
import { findModuleSyntaxError, isMaskedModuleError, type SyntaxProblem } from "./js-syntax.js";
import { configErrorFor, problemAt, type ConfigSource } from "./problems.js";
import { shorten } from "./quote.js";
import { inStandaloneExecutable } from "../executable.js";

/** A thrown message is shown up to this many characters: it is a sentence, not a dump. */
const MAX_THROWN_MESSAGE = 300;

/** The data a JS/TS config exports (its default export, awaited, copied as plain data). */
export async function loadModuleConfig(
  file: string,
  content: string,
  source: ConfigSource,
): Promise<unknown> {
  const fail = (text: string, cause?: unknown, hint?: string): never => {
    const error = configErrorFor(source, [problemAt(source, {}, "", text)], hint);
    throw cause === undefined
      ? error
      : new ConfigError(error.message, error.problems, { cause, hint: error.hint });
  };
  const standalone = await inStandaloneExecutable();
  if (extname(file) === ".ts" && !standalone) await checkTypeScriptSyntax(content, source);
  let exported: unknown;
  try {
    if (standalone) {
      exported = await importWithStandaloneLoader(file, content, source);
    } else {
      exported = await importWithCosmiconfig(file, content, source);
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = errorCode(error);
    if (extname(file) === ".ts" && (code === "EACCES" || code === "EROFS" || code === "EPERM")) {
      return fail(
        `cannot load a TypeScript config here: it is compiled to a temporary .mjs file beside it, and that directory is not writable (${code})`,
        error,
        "use a JSON, YAML or .mjs config, or put the config in a writable directory",
      );
    }
    return fail(`loading the config failed: ${describeThrown(error)}`, error);
  }
  if (exported === undefined) {
    return fail(
      "the module has no default export; write `export default { ... }` (or `module.exports = { ... }`)",
    );
  }
  if (typeof exported === "function") {
    return fail("the default export is a function; export the config object itself");
  }
  try {
    return structuredClone(exported);
  } catch (error) {
    return fail(
      `the exported config is not plain data (only objects, lists, strings, numbers and booleans): ${describeThrown(error)}`,
      error,
    );
  }
}

/**
 * The npm package's loader: cosmiconfig's (TypeScript through the installed typescript). When an
 * ES module does not parse, the error it ends with hides the real one: `node --check` finds it.
 */
async function importWithCosmiconfig(
  file: string,
  content: string,
  source: ConfigSource,
): Promise<unknown> {
  try {
    const defaultLoaders = commonJsExport<typeof import("cosmiconfig").defaultLoaders>(
      await import("cosmiconfig"),
      "defaultLoaders",
    );
    return await defaultLoaders[extname(file) as ".js" | ".mjs" | ".cjs" | ".ts"](file, content);
  } catch (error) {
    if (extname(file) !== ".ts" && extname(file) !== ".cjs" && isMaskedModuleError(error)) {
      const syntax = await findModuleSyntaxError(content);
      if (syntax !== undefined) throw syntaxError(syntax, "JavaScript", source);
    }
    throw error;
  }
}

/** The executable's loader: Node's own, TypeScript by type stripping; syntax errors placed. */
async function importWithStandaloneLoader(
  file: string,
  content: string,
  source: ConfigSource,
): Promise<unknown> {
  const native = await import("./native-module.js");
  try {
    return await native.importNativeModule(file);
  } catch (error) {
    const syntax = await native.nativeSyntaxProblem(error, content);
    if (syntax === undefined) throw error;
    const language = native.isTypeScriptSyntaxError(error) ? "TypeScript" : "JavaScript";
    const problem = syntaxError(syntax, language, source);
    if (!native.isUnsupportedTypeScript(error)) throw problem;
    throw new ConfigError(problem.message, problem.problems, {
      cause: error,
      hint: "the standalone executable runs a TypeScript config with its types removed, so enums, namespaces and parameter properties need the npm package with typescript installed; or write them as plain objects",
    });
  }
}

/** "file:line:col: invalid JavaScript: ..." as a ConfigError. */
function syntaxError(
  syntax: SyntaxProblem,
  language: "JavaScript" | "TypeScript",
  source: ConfigSource,
): ConfigError {
  const where = { line: syntax.line, column: syntax.column };
  return configErrorFor(source, [
    problemAt(source, where, "", `invalid ${language}: ${syntax.message}`),
  ]);
}

/**
 * Refuses TS with syntax errors, at their line and column. TypeScript's transpiler (which
 * cosmiconfig uses) repairs broken syntax silently, e.g. `[ }` becomes `[]`, so without this
 * check a typo could change what the config means instead of being reported.
 */
async function checkTypeScriptSyntax(content: string, source: ConfigSource): Promise<void> {
  let ts: typeof import("typescript");
  try {
    ts = (await import("typescript")).default;
  } catch (error) {
    const text = "a TypeScript config needs the typescript package, which is not installed";
    const missing = configErrorFor(source, [problemAt(source, {}, "", text)]);
    throw new ConfigError(missing.message, missing.problems, {
      cause: error,
      hint: "install it (npm install typescript), or write the config as .mjs, .json or .yaml",
    });
  }
  const { diagnostics = [] } = ts.transpileModule(content, {
    fileName: source.path,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
  });
  // Only the first: after one syntax error the parser's further complaints are mostly echoes.
  const problems = diagnostics.slice(0, 1).map((diagnostic) => {
    const text = `invalid TypeScript: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, " ")}`;
    if (diagnostic.file === undefined || diagnostic.start === undefined)
      return problemAt(source, {}, "", text);
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return problemAt(source, { line: line + 1, column: character + 1 }, "", text);
  });
  if (problems.length > 0) throw configErrorFor(source, problems);
}

/**
 * The first line of what was thrown, without the loader's "TypeScript Error in <file>:" prefix.
 * A config may throw anything, even values that throw when turned into text (an object without
 * a prototype, a toString that throws, a Proxy with throwing traps): those are named by kind.
 */
function describeThrown(error: unknown): string {
  try {
    const message = error instanceof Error ? String(error.message) : String(error);
    const lines = message
      .split("\n")
      .filter((line) => line.trim() !== "" && !/^TypeScript Error in /.test(line));
    const first = lines[0] ?? "";
    const name = error instanceof Error && error.name !== "Error" ? `${String(error.name)}: ` : "";
    return shorten(`${name}${first}`.trim(), MAX_THROWN_MESSAGE) || "unknown error";
  } catch {
    return describeKind(error);
  }
}

/** `[object Object]`-style naming for a thrown value that cannot be turned into text. */
function describeKind(value: unknown): string {
  try {
    return `a thrown value that cannot be shown as text (${Object.prototype.toString.call(value)})`;
  } catch {
    return `a thrown value that cannot be shown as text (${typeof value})`;
  }
}

/** The errno-style code of a thrown value, when reading it is safe. */
function errorCode(error: unknown): string | undefined {
  try {
    const code = (error as NodeJS.ErrnoException | null | undefined)?.code;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}
