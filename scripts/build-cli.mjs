#!/usr/bin/env node
// Build step: the `qus` command as shipped (package.json "bin": dist/bin/qus.js). esbuild with
// code splitting puts each command and each heavy dependency (openpgp, listr2, yaml, diff, the
// decoders) in its own chunk, loaded by the dynamic import() that needs it: a no-op plan loads
// about a tenth of the code, from a few files instead of hundreds of modules.
import { build } from "esbuild";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { cliBuildOptions, root } from "./esbuild-common.mjs";

const outdir = join(root, "dist", "bin");
await rm(outdir, { recursive: true, force: true });
await build({
  // diff is require()d on first use (a plan that rewrites a binfmt.d file); bundled, it would sit
  // in a chunk every plan loads, since esbuild splits only at import().
  ...cliBuildOptions({
    selfUrl: 'new URL("./qus.js", import.meta.url)',
    banner: [],
    external: ["diff"],
  }),
  outdir,
  splitting: true,
});
