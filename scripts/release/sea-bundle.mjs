// What a standalone executable runs: the CLI as one CommonJS file, built into a V8 startup
// snapshot (`useSnapshot`), and the heavy third-party packages as assets beside it.
// - The snapshot: at build time the script initialises qus's modules of the commands run on every
//   provisioning pass (plan, apply, run, status), with every function compiled (sea.mjs builds
//   with V8's --no-lazy: a no-op plan then compiles nothing when it runs), then hands main to
//   v8.startupSnapshot.setDeserializeMainFunction. Each start deserialises that heap instead of
//   compiling and initialising those modules again. Nothing kept may depend on the machine that
//   runs qus: the executable's own path (`import.meta.url` here) is read when used, and qus's
//   modules read no environment, argument or stream when they initialise (main does).
// - The packages build-cli.mjs keeps in dist/bin/vendor/ (openpgp, listr2, yaml, ajv's compiler,
//   cosmiconfig, the decoders) and diff: each one CommonJS file, an asset of the executable
//   (`node:sea` getAsset), compiled only when a command loads it. Left in the snapshot, they
//   would be deserialised at every start (they are two thirds of the code).
// require() is the snapshot's own, which loads Node's built-in modules only.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { cliBuildOptions, root, VENDOR } from "../esbuild-common.mjs";

/** qus's modules initialised in the snapshot: the commands of a provisioning pass. */
const PREINITIALISED = ["plan", "apply", "run", "status"].map((name) =>
  join(root, "src", "commands", `${name}.ts`),
);
/** Packages loaded from assets: the vendor bundles, and diff (a plan that rewrites a file). */
const ASSET_PACKAGES = { ...VENDOR, diff: "diff" };
const SNAPSHOT_HOOK = 'Symbol.for("qus.startup-snapshot")';
const SELF =
  'const __qusSelf = { get url() { return require("node:url").pathToFileURL(process.execPath).href; } };';

/** Loads an asset package once, as Node loads a CommonJS file (it sees the same `require`). */
const VENDOR_LOADER = `const __qusVendor = (() => {
  const loaded = new Map();
  return (name) => {
    let mod = loaded.get(name);
    if (mod === undefined) {
      const source = require("node:sea").getAsset("vendor/" + name + ".cjs", "utf8");
      const filename = process.execPath + "/vendor/" + name + ".cjs";
      const params = ["exports", "require", "module", "__filename", "__dirname", "__qusSelf"];
      const init = require("node:vm").compileFunction(source, params, { filename });
      mod = { exports: {} };
      loaded.set(name, mod);
      init.call(mod.exports, mod.exports, require, mod, filename, process.execPath, __qusSelf);
    }
    return mod.exports;
  };
})();`;

// Why: release.mjs builds both executables from one set of scripts.
/**
 * Writes the executable's main script and its asset packages into `dir`; returns
 * `{ main, assets }` (assets: asset name -> file), as a SEA config names them.
 */
export async function buildSeaBundle(dir) {
  mkdirSync(join(dir, "vendor"), { recursive: true });
  const main = join(dir, "qus.cjs");
  const options = cliBuildOptions({
    // `qus run` and `qus demo` re-run "this CLI": inside an executable that is the executable.
    selfUrl: "__qusSelf.url",
    banner: [],
    // import() of a built-in becomes require(): a snapshot's main has no dynamic import callback.
    format: "cjs",
  });
  const common = {
    ...options,
    format: "cjs",
    target: "node26",
    define: { "import.meta.url": "__qusSelf.url" },
    // Module comments name paths relative to the project, wherever the build is started from.
    absWorkingDir: root,
  };
  await build({
    ...common,
    entryPoints: { qus: "qus-sea:main" },
    plugins: [...options.plugins, snapshotEntry(), packagesFromAssets()],
    banner: { js: `${SELF}\n${VENDOR_LOADER}` },
    outfile: main,
  });
  await build({
    ...common,
    entryPoints: ASSET_PACKAGES,
    banner: {},
    legalComments: "inline",
    outdir: join(dir, "vendor"),
    outExtension: { ".js": ".cjs" },
  });
  const assets = Object.fromEntries(
    Object.keys(ASSET_PACKAGES).map((name) => [
      `vendor/${name}.cjs`,
      join(dir, "vendor", `${name}.cjs`),
    ]),
  );
  return { main, assets };
}

/** The entry: main registers itself with the snapshot hook; then the commands initialise. */
function snapshotEntry() {
  return {
    name: "qus-sea-snapshot-entry",
    setup(b) {
      b.onResolve({ filter: /^qus-sea:main$/ }, () => ({ path: "main", namespace: "qus-sea" }));
      b.onLoad({ filter: /.*/, namespace: "qus-sea" }, () => ({
        contents: [
          'const { setFlagsFromString, startupSnapshot } = require("node:v8");',
          `globalThis[${SNAPSHOT_HOOK}] = (main) => {`,
          `  delete globalThis[${SNAPSHOT_HOOK}];`,
          "  startupSnapshot.setDeserializeMainFunction(main);",
          "};",
          `require(${JSON.stringify(join(root, "src", "cli", "main.ts"))});`,
          ...PREINITIALISED.map((path) => `require(${JSON.stringify(path)});`),
          // Built with --no-lazy (sea.mjs): what compiles at run time (the asset packages, the
          // rest of Node) compiles lazily again, as V8 keeps the flag in the snapshot.
          'setFlagsFromString("--lazy");',
        ].join("\n"),
        loader: "js",
        resolveDir: root,
      }));
    },
  };
}

/** In the main script: the asset packages are loaded by __qusVendor when first imported. */
function packagesFromAssets() {
  const byPackage = new Map(Object.entries(ASSET_PACKAGES).map(([name, pkg]) => [pkg, name]));
  return {
    name: "qus-sea-asset-packages",
    setup(b) {
      b.onResolve({ filter: /^[a-z]/ }, (args) => {
        const name = byPackage.get(args.path);
        return name === undefined ? undefined : { path: name, namespace: "qus-sea-asset" };
      });
      b.onLoad({ filter: /.*/, namespace: "qus-sea-asset" }, (args) => ({
        contents: `module.exports = __qusVendor(${JSON.stringify(args.path)});`,
        loader: "js",
      }));
    },
  };
}
