#!/usr/bin/env node
// Build step: the `qus` command as shipped (package.json "bin": dist/bin/qus.js). The plan and
// apply paths are ONE file, so starting qus resolves and compiles no chunk graph: qus's own
// modules that only some commands need are in it too, but initialised only when import()ed (an
// unsplit esbuild bundle wraps them lazily). The heavy third-party packages (openpgp, listr2, ajv's
// compiler, cosmiconfig, the decoders) are bundles of their own in dist/bin/vendor/, reached only
// through the import() that needs them; a static import of one of them fails the build, since it
// would load on every start.
import { build } from "esbuild";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cliBuildOptions, root, VENDOR, vendorBuildOptions } from "./esbuild-common.mjs";

const outdir = join(root, "dist", "bin");
await rm(outdir, { recursive: true, force: true });
await build({ ...vendorBuildOptions(), outdir: join(outdir, "vendor") });
const options = cliBuildOptions({
  selfUrl: 'new URL("./qus.js", import.meta.url)',
  banner: [],
  // diff is require()d on first use (a plan that rewrites a binfmt.d file) from node_modules.
  external: ["diff"],
  format: "cjs",
});
// qus.js is CommonJS (its require()s of Node built-ins run only in the modules that use them); the
// vendor bundles are ES modules.
await writeFile(join(outdir, "package.json"), '{ "type": "commonjs" }\n');
await writeFile(join(outdir, "vendor", "package.json"), '{ "type": "module" }\n');
await build({
  ...options,
  plugins: [...options.plugins, vendorImports("./vendor/")],
  outfile: join(outdir, "qus.js"),
});

/** Rewrites import("openpgp") etc. to the vendor bundles; refuses static imports of them. */
function vendorImports(prefix) {
  return {
    name: "qus-vendor-imports",
    setup(b) {
      b.onResolve({ filter: /^[a-z@]/ }, (args) => {
        const name = vendorName(args.path);
        if (name === undefined) return undefined;
        if (args.kind !== "dynamic-import")
          return {
            errors: [
              {
                text: `${args.path} is heavy: load it with import() where needed (${args.importer})`,
              },
            ],
          };
        return { path: `${prefix}${name}.js`, external: true };
      });
    },
  };
}

function vendorName(specifier) {
  return Object.entries(VENDOR).find(([, pkg]) => pkg === specifier)?.[0];
}
