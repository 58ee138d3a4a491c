// One standalone executable: the pinned Node binary for the architecture, stripped, with qus's
// main script and its assets built in (`node --build-sea`, Node 25.5+). Each executable is built
// by the Node binary it is made of, the arm64 one under emulation, so the blob always matches the
// Node that reads it. Results are cached outside the clone, keyed by what goes in.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { runWithArm64 } from "./emulate-arm64.mjs";
import { NODE_VERSION, nodeBinary, releaseCacheDir } from "./node-runtime.mjs";

const STRIP = { x64: "strip", arm64: "aarch64-linux-gnu-strip" };

/** The pinned Node binary without its debug symbols (a quarter of its weight), cached. */
function strippedNode(arch) {
  const stripped = join(
    releaseCacheDir(),
    `node-${NODE_VERSION}-linux-${arch}`,
    "bin",
    "node.stripped",
  );
  if (!existsSync(stripped)) {
    execFileSync(STRIP[arch], ["--strip-all", "-o", `${stripped}.tmp`, nodeBinary(arch)]);
    renameSync(`${stripped}.tmp`, stripped);
  }
  return stripped;
}

/**
 * How the main script is built in (both part of the cache key). No startup snapshot and no
 * build-time code cache: the CLI keeps V8's code cache of each command at run time (see
 * sea-bundle.mjs).
 */
const SEA_OPTIONS = {
  disableExperimentalSEAWarning: true,
  useSnapshot: false,
  // The V8 flags every run of the executable gets (v8-flags.json says why).
  execArgv: JSON.parse(readFileSync(new URL("./v8-flags.json", import.meta.url), "utf8")).flags,
};
const BUILD_FLAGS = [];

/**
 * Builds (or takes from the cache) the executable for `arch` from `bundle` (sea-bundle.mjs's
 * `{ main, assets }`); copies it to `output`.
 */
export function buildExecutable(arch, bundle, output) {
  const node = strippedNode(arch);
  const hash = createHash("sha256")
    .update(NODE_VERSION)
    .update(arch)
    .update(JSON.stringify([SEA_OPTIONS, BUILD_FLAGS]))
    .update(readFileSync(bundle.main));
  for (const [name, file] of Object.entries(bundle.assets).sort()) {
    hash.update(name).update(readFileSync(file));
  }
  const key = hash.digest("hex");
  const cached = join(releaseCacheDir(), "executables", `qus-linux-${arch}-${key.slice(0, 24)}`);
  if (!existsSync(cached)) {
    mkdirSync(join(releaseCacheDir(), "executables"), { recursive: true });
    const work = mkdtempSync(join(releaseCacheDir(), ".sea-"));
    try {
      const config = join(work, "sea-config.json");
      const main = join(work, "qus.cjs");
      copyFileSync(bundle.main, main);
      const built = join(work, "qus");
      writeFileSync(
        config,
        JSON.stringify({
          main,
          output: built,
          executable: node,
          assets: bundle.assets,
          ...SEA_OPTIONS,
        }),
      );
      const args = [...BUILD_FLAGS, "--build-sea", config];
      if (arch === "arm64") runWithArm64(node, args, { cwd: work });
      else
        execFileSync(node, args, {
          cwd: work,
          stdio: ["ignore", "ignore", "inherit"],
        });
      renameSync(built, cached);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  // Used now: kept. Executables of other sources unused for two days go (~130 MB each).
  const now = new Date();
  utimesSync(cached, now, now);
  pruneExecutables(dirname(cached), now.getTime());
  copyFileSync(cached, output);
  return output;
}

/** Removes cached executables not used for two days. */
function pruneExecutables(dir, now) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (now - statSync(path).mtimeMs > 2 * 24 * 3600_000) rmSync(path, { force: true });
  }
}
