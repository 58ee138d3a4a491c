// What a standalone executable runs: a small main script (src/cli/sea-entry.ts) that compiles
// the CLI, one CommonJS file kept as the executable's asset qus-main.cjs, with V8's code cache of
// the command (src/cli/cached-compile.ts, as the npm entry), and the heavy third-party packages
// as assets beside it.
// - No V8 startup snapshot: one holding qus's initialised modules took longer to deserialise at
//   every start than Node's own snapshot plus the cached code (measured: a no-op plan 1.96 against
//   1.78 times `node -e 0`; `qus --version` 1.62 against 1.16).
// - The packages build-cli.mjs keeps in dist/bin/vendor/ (openpgp, listr2, yaml, ajv's compiler,
//   cosmiconfig, the decoders, acorn) and diff: each one CommonJS file, an asset of the executable
//   (`node:sea` getAsset), compiled only when a command loads it.
// The CLI's require() is the executable's own, which loads Node's built-in modules only.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { buildEntry, prepareCliText } from "../cached-entry.mjs";
import { cliBuildOptions, root, VENDOR } from "../esbuild-common.mjs";

/** The CLI's asset name. */
const CLI_ASSET = "qus-main.cjs";
/** Packages loaded from assets: the vendor bundles, and diff (a plan that rewrites a file). */
const ASSET_PACKAGES = { ...VENDOR, diff: "diff" };
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
  const cliFile = join(dir, CLI_ASSET);
  const options = cliBuildOptions({
    // `qus run` and `qus demo` re-run "this CLI": inside an executable that is the executable.
    selfUrl: "__qusSelf.url",
    banner: [],
    // import() of a built-in becomes require(), as in the npm package's CLI.
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
    entryPoints: [join(root, "src", "cli", "main.ts")],
    plugins: [...options.plugins, packagesFromAssets()],
    banner: { js: `${SELF}\n${VENDOR_LOADER}` },
    outfile: cliFile,
  });
  await buildEntry({
    entry: "sea-entry",
    outfile: main,
    target: "node26",
    file: CLI_ASSET,
    cli: await prepareCliText(cliFile),
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
  return { main, assets: { ...assets, [CLI_ASSET]: cliFile } };
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
