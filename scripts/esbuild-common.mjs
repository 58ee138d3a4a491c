// What both esbuild outputs share: the CLI entry, Node 20 ESM, a require() for the CommonJS
// dependencies, and the rewrites of the module-relative lookups the bundler cannot follow in
// qus's own sources:
// - `createRequire(import.meta.url)(PRECOMPILED)` (the ajv validator written by
//   build-validator.mjs) becomes a require of that file, so it is embedded; other
//   `createRequire(import.meta.url)("...")` calls (the schema, diff) become plain require() calls;
// - `new URL("../cli/main.js", import.meta.url)`, "this CLI's entry", becomes `selfUrl`.
// TypeScript configs (qus.config.ts) need the `typescript` package, which is left out (it is
// larger than everything else together): qus says so when it meets one.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const version = JSON.parse(await readFile(join(root, "package.json"), "utf8")).version;
const validator = join(root, "dist", "config", "config-validator.cjs");

/**
 * esbuild options for the CLI; `selfUrl` is the JS expression for the entry file's URL.
 * `external` packages stay runtime require() calls, resolved from node_modules. `format` "cjs" is
 * the shipped CLI: there a module's require() of a Node built-in runs when the module is first
 * used, where ESM output would import every built-in any command uses at start.
 */
export function cliBuildOptions({ selfUrl, banner, external = [], format = "esm" }) {
  if (!existsSync(validator)) throw new Error(`${validator} is missing: run npm run build first`);
  const selfContained = {
    name: "qus-self-contained",
    setup(b) {
      b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
        const text = await readFile(args.path, "utf8");
        const contents = text
          .replaceAll(
            "createRequire(import.meta.url)(PRECOMPILED)",
            `require(${JSON.stringify(validator)})`,
          )
          .replaceAll("createRequire(import.meta.url)(", "require(")
          .replaceAll('new URL("../cli/main.js", import.meta.url)', selfUrl);
        // CommonJS output: a built-in import()ed on first use is require()d instead, which does
        // not start Node's ES module loader.
        const builtins = format === "cjs" ? viaRequire(contents) : contents;
        return { contents: builtins, loader: "ts" };
      });
    },
  };
  const esm = format === "esm";
  return {
    entryPoints: { qus: join(root, "src", "cli", "main.ts") },
    bundle: true,
    platform: "node",
    format,
    target: "node20",
    external: ["typescript", ...external],
    plugins: [selfContained],
    legalComments: "eof",
    metafile: true,
    logLevel: "warning",
    // ESM output: CommonJS dependencies call require() and read __filename (cosmiconfig's
    // import-fresh, for JS configs): give them both. CommonJS output: give qus's sources the
    // import.meta.url they read. `define` rewrites only free references.
    define: esm
      ? { __filename: "__qusFilename", __dirname: "__qusDirname" }
      : { "import.meta.url": "__qusMetaUrl" },
    banner: {
      js: [
        ...banner,
        ...(esm
          ? [
              'import { createRequire as __qusCreateRequire } from "node:module";',
              'import { fileURLToPath as __qusFileURLToPath } from "node:url";',
              "const require = __qusCreateRequire(import.meta.url);",
              "const __qusFilename = __qusFileURLToPath(import.meta.url);",
              'const __qusDirname = __qusFileURLToPath(new URL(".", import.meta.url));',
            ]
          : ['const __qusMetaUrl = require("node:url").pathToFileURL(__filename).href;']),
      ].join("\n"),
    },
  };
}

/**
 * The heavy packages qus loads only when a command needs them, by the file name of their bundle
 * in dist/bin/vendor/ (their names come from the specifier qus's sources import()).
 */
export const VENDOR = {
  openpgp: "openpgp",
  listr2: "listr2",
  "ajv-2020": "ajv/dist/2020.js",
  "ajv-standalone": "ajv/dist/standalone/index.js",
  cosmiconfig: "cosmiconfig",
  "xz-decompress": "xz-decompress",
  fzstd: "fzstd",
  yaml: "yaml",
  // Only to place a syntax error in an ES module config: a quarter of the CLI's size otherwise.
  acorn: "acorn",
};
/** CommonJS packages: their bundle's only export, `default`, holds all of the package's exports. */
const COMMONJS = new Set(["ajv-2020", "ajv-standalone", "cosmiconfig", "xz-decompress", "yaml"]);

/** esbuild options for the vendor bundles (split, so packages they share load once). */
export function vendorBuildOptions() {
  const common = cliBuildOptions({ selfUrl: "undefined", banner: [] });
  const entries = {
    name: "qus-vendor-entries",
    setup(b) {
      b.onResolve({ filter: /^vendor:/ }, (args) => ({
        path: args.path.slice("vendor:".length),
        namespace: "qus-vendor",
      }));
      b.onLoad({ filter: /.*/, namespace: "qus-vendor" }, (args) => {
        const pkg = JSON.stringify(VENDOR[args.path]);
        const contents = COMMONJS.has(args.path)
          ? `import * as namespace from ${pkg};\nexport default namespace;`
          : `export * from ${pkg};`;
        return { contents, resolveDir: root, loader: "js" };
      });
    },
  };
  return {
    ...common,
    entryPoints: Object.fromEntries(Object.keys(VENDOR).map((name) => [name, `vendor:${name}`])),
    plugins: [entries],
    splitting: true,
    chunkNames: "chunk-[hash]",
  };
}

/** `import("node:x")` -> `Promise.resolve(require("node:x"))` (same call-time laziness). */
function viaRequire(text) {
  return text.replace(/(?<!typeof )\bimport\(("node:[a-z_/]+")\)/g, "Promise.resolve(require($1))");
}
