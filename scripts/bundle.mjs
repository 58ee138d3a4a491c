#!/usr/bin/env node
// Builds the single-file bundle (it keeps main.ts's #! line): one ESM file that runs with only `node` (20+) present, no
// node_modules. Usage: node scripts/bundle.mjs [OUTFILE]   (default: dist/qus.mjs)
// It needs `npm run build` first (it embeds the precompiled config validator). The options it
// shares with the shipped CLI (scripts/build-cli.mjs) are in scripts/esbuild-common.mjs.
import { build } from "esbuild";
import { join, resolve } from "node:path";
import { cliBuildOptions, root, version } from "./esbuild-common.mjs";

const outfile = resolve(process.argv[2] ?? join(root, "dist", "qus.mjs"));
const result = await build({
  ...cliBuildOptions({
    selfUrl: "new URL(import.meta.url)",
    banner: [`// qus ${version}: single-file bundle. Run with: node qus.mjs --help`],
  }),
  outfile,
});
const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? 0;
console.log(`bundle: ${outfile} (${(bytes / 1024 / 1024).toFixed(1)} MiB)`);
