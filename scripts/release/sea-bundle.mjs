// The script a standalone executable runs: the CLI as one CommonJS file (a Node single executable
// application compiles a CommonJS main into its V8 code cache at build time). It differs from the
// ESM bundle only where the module format shows: no import.meta (the executable is the module),
// and require() is the executable's own, which loads Node's built-in modules only.
import { build } from "esbuild";
import { cliBuildOptions } from "../esbuild-common.mjs";

/** Writes the executable's main script to `outfile`; returns its size in bytes. */
export async function buildSeaBundle(outfile) {
  const options = cliBuildOptions({
    // `qus run` and `qus demo` re-run "this CLI": inside an executable that is the executable.
    selfUrl: "__qusSelfUrl",
    banner: [],
  });
  const result = await build({
    ...options,
    format: "cjs",
    target: "node26",
    define: { "import.meta.url": "__qusSelfUrl" },
    banner: {
      js: 'const __qusSelfUrl = require("node:url").pathToFileURL(process.execPath).href;',
    },
    outfile,
  });
  return Object.values(result.metafile.outputs)[0]?.bytes ?? 0;
}
