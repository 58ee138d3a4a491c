// One standalone executable: the pinned Node binary for the architecture, stripped, with qus's
// main script and its V8 code cache built in (`node --build-sea`, Node 25.5+). The code cache
// must come from the V8 and CPU that will load it, so the arm64 executable is built by the arm64
// Node under emulation. Results are cached outside the clone, keyed by what goes in.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
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

/** Builds (or takes from the cache) the executable for `arch` from `mainScript`; copies it to `output`. */
export function buildExecutable(arch, mainScript, output) {
  const node = strippedNode(arch);
  const key = createHash("sha256")
    .update(NODE_VERSION)
    .update(arch)
    .update(readFileSync(mainScript))
    .digest("hex");
  const cached = join(releaseCacheDir(), "executables", `qus-linux-${arch}-${key.slice(0, 24)}`);
  if (!existsSync(cached)) {
    mkdirSync(join(releaseCacheDir(), "executables"), { recursive: true });
    const work = mkdtempSync(join(releaseCacheDir(), ".sea-"));
    try {
      const config = join(work, "sea-config.json");
      const main = join(work, "qus.cjs");
      copyFileSync(mainScript, main);
      const built = join(work, "qus");
      writeFileSync(
        config,
        JSON.stringify({
          main,
          output: built,
          executable: node,
          disableExperimentalSEAWarning: true,
          useCodeCache: true,
        }),
      );
      if (arch === "arm64") runWithArm64(node, ["--build-sea", config], { cwd: work });
      else
        execFileSync(node, ["--build-sea", config], {
          cwd: work,
          stdio: ["ignore", "ignore", "inherit"],
        });
      renameSync(built, cached);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  copyFileSync(cached, output);
  return output;
}
