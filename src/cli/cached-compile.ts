// What both entries of qus do with the CLI's text (the npm package's file, the standalone
// executable's asset): compile it as a CommonJS function body with V8's code cache of the command
// (code-cache.ts), and write the cache as the process exits (or hands itself to another program)
// when there was none or V8 refused it.
import { homedir } from "node:os";
import { Script } from "node:vm";
import { BEFORE_EXEC_EVENT } from "./before-exec.js";
import {
  cacheCommand,
  cacheOwners,
  codeCacheDir,
  codeCacheDisabled,
  codeCacheFile,
  readCodeCache,
  writeCodeCache,
} from "./code-cache.js";

/** The CLI text as the build recorded it: its length and a digest naming its caches. */
export interface BuiltCli {
  readonly length: number;
  readonly build: string;
}

/** The CLI as a function of CommonJS's five parameters, then __qusImport (its import()). */
export type CliFunction = (
  exports: unknown,
  require: NodeJS.Require,
  module: unknown,
  filename: string,
  dirname: string,
  qusImport: (specifier: string) => Promise<unknown>,
) => void;

// Why: a run after a command's first compiles almost nothing (Node 20 keeps no code between runs).
/**
 * Compiles `source`, the CLI's text as built (one function expression: scripts/cached-entry.mjs
 * wraps it), named `filename` in stack traces, with the command's code cache. A text that is not
 * the one built (another length) gets no cache.
 */
export function compileWithCodeCache(
  source: string,
  filename: string,
  built: BuiltCli,
): CliFunction {
  const argv = process.argv.slice(2);
  const euid = process.geteuid?.() ?? 0;
  const cacheFile =
    codeCacheDisabled(process.env, argv) || source.length !== built.length
      ? undefined
      : codeCacheFile(
          codeCacheDir(process.env, euid, homedir()),
          built.build,
          cacheCommand(argv),
          process.versions.v8,
          process.arch,
        );
  const owners = cacheOwners(euid);
  const cachedData = cacheFile === undefined ? undefined : readCodeCache(cacheFile, owners);
  const script = new Script(source, { filename, cachedData });
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    // Only after a run that worked (0, or 2: changes planned): a failed run leaves nothing behind.
    // `qus run` hands its process to the command once its work is done: no exit follows.
    const write = () => writeCodeCache(cacheFile, script.createCachedData(), owners);
    const events = process as NodeJS.EventEmitter;
    const atExit = (code: number) => {
      if (code === 0 || code === 2) write();
    };
    process.once("exit", atExit);
    events.once(BEFORE_EXEC_EVENT, () => {
      process.off("exit", atExit);
      write();
    });
  }
  return script.runInThisContext() as CliFunction;
}
