// What both builds of qus share for their entries (the npm package's dist/bin/qus.js and the
// standalone executable's main script): the CLI's text prepared for cached-compile.ts, and the
// entry built with that text's length and digest (QUS_MAIN), which name its code caches.
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "acorn";
import { build } from "esbuild";
import { root } from "./esbuild-common.mjs";

/**
 * The CLI as the entries compile it (cached-compile.ts): one function expression of CommonJS's
 * five parameters and __qusImport, so the entry compiles the file's text as it is (no copy of
 * half a megabyte to wrap it at every start).
 */
const WRAPPER = "(function (exports, require, module, __filename, __dirname, __qusImport) {";

/**
 * The CLI runs inside an entry's vm.Script, whose import() needs an experimental flag: each
 * import( in `file` becomes a call of the entry's __qusImport; then the whole text is wrapped as
 * one function (WRAPPER). Returns `{ length, build }`.
 */
export async function prepareCliText(file) {
  // A #! line (main.ts's) is no JavaScript inside a function: it becomes a comment.
  const source = (await readFile(file, "utf8")).replace(/^#!/, "//");
  const text = `${WRAPPER}${importsThroughEntry(source)}\n})`;
  // The entries read it as latin1, which only ASCII survives (esbuild's default charset).
  const nonAscii = /[^\x00-\x7f]/.exec(text);
  if (nonAscii !== null) throw new Error(`${file} has a non-ASCII character at ${nonAscii.index}`);
  await writeFile(file, text);
  return {
    length: text.length,
    build: createHash("sha256").update(text).digest("hex").slice(0, 16),
  };
}

/**
 * Builds `src/cli/<entry>.ts` into `outfile` (CommonJS, for Node `target`), with QUS_MAIN: the
 * CLI's name (`file`, beside it or an asset) and what prepareCliText returned.
 */
export async function buildEntry({ entry, outfile, target, file, cli, banner }) {
  await build({
    entryPoints: [join(root, "src", "cli", `${entry}.ts`)],
    bundle: true,
    platform: "node",
    format: "cjs",
    target,
    define: { QUS_MAIN: JSON.stringify({ file, ...cli }) },
    banner: banner === undefined ? {} : { js: banner },
    outfile,
    // Module comments name paths relative to the project, wherever the build is started from.
    absWorkingDir: root,
    logLevel: "warning",
  });
}

/** `source` with each import() expression (found by parsing, so never one inside a string) calling __qusImport. */
function importsThroughEntry(source) {
  const starts = [];
  const visit = (node) => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(visit);
    if (node.type === "ImportExpression") starts.push(node.start);
    for (const key of Object.keys(node)) if (key !== "type") visit(node[key]);
  };
  visit(parse(source, { ecmaVersion: "latest", sourceType: "script" }));
  let text = source;
  for (const start of starts.sort((a, b) => b - a)) {
    text = `${text.slice(0, start)}__qusImport${text.slice(start + "import".length)}`;
  }
  return text;
}
