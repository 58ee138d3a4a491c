// The npm package's `qus` command (package.json "bin"): runs the CLI, qus-main.js beside this
// file, compiled with V8's code cache of the command (cached-compile.ts), so that a run after
// the first compiles almost nothing. The CLI runs as Node runs a CommonJS file (same exports,
// require, module, __filename and __dirname); its import() calls, which a vm.Script cannot make
// without an experimental flag, are this file's (build-cli.mjs rewrites them to __qusImport).
// Built by build-cli.mjs, which defines QUS_MAIN: the CLI's file name, length and digest.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { compileWithCodeCache } from "./cached-compile.js";

declare const QUS_MAIN: { readonly file: string; readonly length: number; readonly build: string };

function runCli(): void {
  const filename = join(__dirname, QUS_MAIN.file);
  // ASCII (esbuild escapes the rest; the build checks): latin1 decodes it fastest.
  const source = readFileSync(filename).toString("latin1");
  const cli = compileWithCodeCache(source, filename, QUS_MAIN);
  const qusImport = (specifier: string): Promise<unknown> =>
    import(specifier.startsWith(".") ? pathToFileURL(join(__dirname, specifier)).href : specifier);
  cli.call(module.exports, module.exports, require, module, filename, __dirname, qusImport);
}

runCli();
