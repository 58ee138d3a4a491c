#!/usr/bin/env node
// Build step: the `qus` command as shipped (package.json "bin": dist/bin/qus.js, the npm entry of
// src/cli/npm-entry.ts, which runs dist/bin/qus-main.js with V8's code cache). The plan and
// apply paths are ONE CommonJS file, so starting qus resolves and compiles no chunk graph; qus's
// modules that only some commands need are in it too, initialised only when import()ed (an
// unsplit esbuild bundle wraps them lazily), and each require() of a Node built-in runs in the
// module that uses it. Two kinds of code stay out of that file, so it compiles fast:
// - heavy third-party packages (openpgp, listr2, ajv's compiler, cosmiconfig, yaml, the
//   decoders): bundles of their own in dist/bin/vendor/, reached only through import();
// - the download sources (Debian, Fedora): dist/bin/cold/*.js, which take every qus module the
//   main file also holds FROM the main file (a registry it installs), so classes such as
//   QusError stay one class and state stays shared.
// A static import of a heavy package fails the build, since it would load on every start.
// Usage: node scripts/build-cli.mjs [OUTDIR]   (default dist/bin)
import { build } from "esbuild";
import { chmod, rm, writeFile } from "node:fs/promises";
import { join, relative, resolve, dirname } from "node:path";
import { buildEntry, prepareCliText } from "./cached-entry.mjs";
import { cliBuildOptions, root, VENDOR, vendorBuildOptions } from "./esbuild-common.mjs";

/** Lazily loaded qus modules built into dist/bin/cold/ (name -> source). */
const COLD = {
  "debian-source": "src/sources/debian/source.ts",
  "fedora-source": "src/sources/fedora/source.ts",
};
const REGISTRY = 'Symbol.for("qus.shared-modules")';
/** The CLI itself, run by dist/bin/qus.js (the npm entry). */
const MAIN_FILE = "qus-main.js";

const outdir = resolve(process.argv[2] ?? join(root, "dist", "bin"));
await rm(outdir, { recursive: true, force: true });
await build({ ...vendorBuildOptions(), outdir: join(outdir, "vendor") });
await writeFile(join(outdir, "package.json"), '{ "type": "commonjs" }\n');
await writeFile(join(outdir, "vendor", "package.json"), '{ "type": "module" }\n');

const cliOptions = cliBuildOptions({
  selfUrl: 'new URL("./qus.js", import.meta.url)',
  banner: [],
  // diff is require()d on first use (a plan that rewrites a binfmt.d file) from node_modules.
  external: ["diff"],
  format: "cjs",
});
const mainOptions = (shared) => ({
  ...cliOptions,
  entryPoints: { qus: "qus-entry:main" },
  plugins: [...cliOptions.plugins, vendorImports("./vendor/"), coldImports(), mainEntry(shared)],
  outfile: join(outdir, MAIN_FILE),
});
// Pass 1 finds the modules the main file holds; the cold bundles take those from it; pass 2
// builds the main file again with the registry of the modules the cold bundles asked for.
const first = await build({ ...mainOptions([]), write: false });
const inMain = new Set(
  Object.keys(first.metafile.inputs).filter((path) => path.startsWith("src/")),
);
const asked = new Set();
await build({
  ...cliOptions,
  entryPoints: Object.fromEntries(
    Object.entries(COLD).map(([name, path]) => [name, join(root, path)]),
  ),
  plugins: [...cliOptions.plugins, vendorImports("../vendor/"), fromMain(inMain, asked)],
  outdir: join(outdir, "cold"),
});
await build(mainOptions([...asked].sort()));
// dist/bin/qus.js: the command that runs the main file with V8's code cache (src/cli/npm-entry.ts).
await buildEntry({
  entry: "npm-entry",
  outfile: join(outdir, "qus.js"),
  target: "node20",
  file: MAIN_FILE,
  cli: await prepareCliText(join(outdir, MAIN_FILE)),
  banner: "#!/usr/bin/env node",
});
await chmod(join(outdir, "qus.js"), 0o755);

/** The entry: the registry of shared modules first, then the CLI. */
function mainEntry(shared) {
  return {
    name: "qus-main-entry",
    setup(b) {
      b.onResolve({ filter: /^qus-entry:main$/ }, () => ({ path: "main", namespace: "qus-entry" }));
      b.onLoad({ filter: /.*/, namespace: "qus-entry" }, () => {
        const loaders = shared
          .map(
            (path) =>
              `  ${JSON.stringify(path)}: () => require(${JSON.stringify(join(root, path))}),`,
          )
          .join("\n");
        const contents = [
          `const modules = {\n${loaders}\n};`,
          `globalThis[${REGISTRY}] = (path) => {`,
          "  const load = modules[path];",
          '  if (load === undefined) throw new Error("qus: " + path + " is not in the main bundle");',
          "  return load();",
          "};",
          `require(${JSON.stringify(join(root, "src", "cli", "main.ts"))});`,
        ].join("\n");
        return { contents, loader: "js", resolveDir: root };
      });
    },
  };
}

/** In a cold bundle: a qus module the main file holds is taken from the main file. */
function fromMain(inMain, asked) {
  return {
    name: "qus-from-main",
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (!args.importer.startsWith(join(root, "src"))) return undefined;
        const path = relative(
          root,
          resolve(dirname(args.importer), args.path.replace(/\.js$/, ".ts")),
        );
        if (!inMain.has(path)) return undefined;
        asked.add(path);
        return { path, namespace: "qus-shared" };
      });
      b.onLoad({ filter: /.*/, namespace: "qus-shared" }, (args) => ({
        contents: `module.exports = globalThis[${REGISTRY}](${JSON.stringify(args.path)});`,
        loader: "js",
      }));
    },
  };
}

/** In the main file: import() of a cold module loads its bundle. */
function coldImports() {
  const byPath = new Map(Object.entries(COLD).map(([name, path]) => [join(root, path), name]));
  return {
    name: "qus-cold-imports",
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (args.kind !== "dynamic-import") return undefined;
        const name = byPath.get(resolve(dirname(args.importer), args.path.replace(/\.js$/, ".ts")));
        return name === undefined ? undefined : { path: `./cold/${name}.js`, external: true };
      });
    },
  };
}

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
