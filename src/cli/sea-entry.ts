// The standalone executable's main script (scripts/release/sea-bundle.mjs builds it): the CLI is
// the executable's asset QUS_MAIN.file, compiled with V8's code cache of the command, as the npm
// entry does (cached-compile.ts). No V8 startup snapshot: deserialising one that holds qus's heap
// cost more at every start than compiling from the cache, and Node's own snapshot is faster.
import { getRawAsset } from "node:sea";
import { compileWithCodeCache } from "./cached-compile.js";

declare const QUS_MAIN: { readonly file: string; readonly length: number; readonly build: string };

function runCli(): void {
  // ASCII (esbuild escapes the rest; the build checks): latin1 decodes it fastest. The raw asset
  // is the executable's own mapped bytes: read, never copied or written.
  const source = Buffer.from(getRawAsset(QUS_MAIN.file) as ArrayBuffer).toString("latin1");
  // Named as the asset packages are in stack traces: the executable, then the asset.
  const filename = `${process.execPath}/${QUS_MAIN.file}`;
  const cli = compileWithCodeCache(source, filename, QUS_MAIN);
  const qusImport = (specifier: string): Promise<unknown> => import(specifier);
  cli.call(module.exports, module.exports, require, module, filename, process.execPath, qusImport);
}

runCli();
