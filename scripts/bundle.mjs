#!/usr/bin/env node
// Builds the single-file bundle (it keeps main.ts's #! line): one ESM file that runs with only `node` (20+) present, no
// node_modules. Usage: node scripts/bundle.mjs [OUTFILE]   (default: dist/qus.mjs)
//
// Two things the bundler cannot see are rewritten while bundling:
// - `createRequire(import.meta.url)("../../schemas/x.json")` becomes `require(...)`, so literal
//   paths (the config schema) are embedded; a non-literal one (the optional precompiled
//   validator) stays a runtime require that falls back as it does without a build.
// - `new URL("../cli/main.js", import.meta.url)`, "this CLI's entry", becomes the bundle itself.
// TypeScript configs (qus.config.ts) need the `typescript` package, which is left out (it is
// larger than everything else together): the bundle says so when it meets one.
import { build } from "esbuild";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = resolve(process.argv[2] ?? join(root, "dist", "qus.mjs"));
const version = JSON.parse(await readFile(join(root, "package.json"), "utf8")).version;

/** Rewrites the module-relative lookups described above in qus's own sources. */
const selfContained = {
  name: "qus-self-contained",
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      const contents = text
        .replaceAll("createRequire(import.meta.url)(", "require(")
        .replaceAll('new URL("../cli/main.js", import.meta.url)', "new URL(import.meta.url)");
      return { contents, loader: "ts" };
    });
  },
};

const result = await build({
  entryPoints: [join(root, "src", "cli", "main.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["typescript"],
  plugins: [selfContained],
  legalComments: "eof",
  metafile: true,
  logLevel: "warning",
  // CommonJS dependencies call require(); give them one in the ESM output.
  banner: {
    js: [
      `// qus ${version}: single-file bundle. Run with: node qus.mjs --help`,
      'import { createRequire as __qusCreateRequire } from "node:module";',
      "const require = __qusCreateRequire(import.meta.url);",
    ].join("\n"),
  },
});
const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? 0;
console.log(`bundle: ${outfile} (${(bytes / 1024 / 1024).toFixed(1)} MiB)`);
