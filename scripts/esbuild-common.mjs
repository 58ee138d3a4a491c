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
 * `external` packages stay runtime require() calls, resolved from node_modules.
 */
export function cliBuildOptions({ selfUrl, banner, external = [] }) {
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
        return { contents, loader: "ts" };
      });
    },
  };
  return {
    entryPoints: { qus: join(root, "src", "cli", "main.ts") },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["typescript", ...external],
    plugins: [selfContained],
    legalComments: "eof",
    metafile: true,
    logLevel: "warning",
    // CommonJS dependencies call require() and read __filename (cosmiconfig's import-fresh, for
    // JS configs): give them both in the ESM output. `define` rewrites only free references.
    define: { __filename: "__qusFilename", __dirname: "__qusDirname" },
    banner: {
      js: [
        ...banner,
        'import { createRequire as __qusCreateRequire } from "node:module";',
        'import { fileURLToPath as __qusFileURLToPath } from "node:url";',
        "const require = __qusCreateRequire(import.meta.url);",
        "const __qusFilename = __qusFileURLToPath(import.meta.url);",
        'const __qusDirname = __qusFileURLToPath(new URL(".", import.meta.url));',
      ].join("\n"),
    },
  };
}
