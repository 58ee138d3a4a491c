// The npm package's `qus` command (package.json "bin"): runs the CLI, qus-main.js beside this
// file, compiled with V8's code cache of the command (code-cache.ts), so that a run after the
// first compiles almost nothing. The CLI runs as Node runs a CommonJS file (same exports,
// require, module, __filename and __dirname); its import() calls, which a vm.Script cannot make
// without an experimental flag, are this file's (build-cli.mjs rewrites them to __qusImport).
// Built by build-cli.mjs, which defines QUS_MAIN: the CLI's file name, length and digest.
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Script } from "node:vm";
import {
  cacheCommand,
  cacheOwners,
  codeCacheDir,
  codeCacheDisabled,
  codeCacheFile,
  readCodeCache,
  writeCodeCache,
} from "./code-cache.js";

declare const QUS_MAIN: { readonly file: string; readonly length: number; readonly build: string };

const WRAPPER = "(function (exports, require, module, __filename, __dirname, __qusImport) {";

function runCli(): void {
  const filename = join(__dirname, QUS_MAIN.file);
  const source = readFileSync(filename, "utf8");
  const argv = process.argv.slice(2);
  const euid = process.geteuid?.() ?? 0;
  // A CLI file changed since the build is not the one the cache names: no cache for it.
  const cacheFile =
    codeCacheDisabled(process.env, argv) || source.length !== QUS_MAIN.length
      ? undefined
      : codeCacheFile(
          codeCacheDir(process.env, euid, homedir()),
          QUS_MAIN.build,
          cacheCommand(argv),
          process.versions.v8,
          process.arch,
        );
  const owners = cacheOwners(euid);
  const cachedData = cacheFile === undefined ? undefined : readCodeCache(cacheFile, owners);
  const script = new Script(`${WRAPPER}${source}\n})`, { filename, cachedData });
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    // Only after a run that worked (0, or 2: changes planned): a failed run leaves nothing behind.
    process.once("exit", (code) => {
      if (code === 0 || code === 2) writeCodeCache(cacheFile, script.createCachedData(), owners);
    });
  }
  const qusImport = (specifier: string): Promise<unknown> =>
    import(specifier.startsWith(".") ? pathToFileURL(join(__dirname, specifier)).href : specifier);
  const cli = script.runInThisContext() as (...args: unknown[]) => void;
  cli.call(module.exports, module.exports, require, module, filename, __dirname, qusImport);
}

runCli();
