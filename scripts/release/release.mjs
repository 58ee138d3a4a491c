#!/usr/bin/env node
// `npm run release`: every artifact a user installs, into dist/release/ (or the folder given):
// qus-linux-x64 and qus-linux-arm64 (standalone executables), their .deb packages, the npm
// tarball, the single-file bundle qus.mjs, and SHA256SUMS over all of them.
// Usage: node scripts/release/release.mjs [OUTDIR]   (needs `npm run build` and scripts/setup.sh)
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { basename, join, resolve } from "node:path";
import { bashCompletion } from "../../dist/completion/bash.js";
import { fishCompletion } from "../../dist/completion/fish.js";
import { manPage } from "../../dist/completion/man-page.js";
import { zshCompletion } from "../../dist/completion/zsh.js";
import { root } from "../esbuild-common.mjs";
import { buildDeb } from "./deb.mjs";
import { buildSeaBundle } from "./sea-bundle.mjs";
import { buildExecutable } from "./sea.mjs";

const outDir = resolve(process.argv[2] ?? join(root, "dist", "release"));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
// The release date: the last commit's (reproducible), else today.
const date = (() => {
  try {
    return new Date(
      execFileSync("git", ["log", "-1", "--format=%cI"], { cwd: root, encoding: "utf8" }).trim(),
    );
  } catch {
    return new Date();
  }
})();
const meta = {
  version: pkg.version,
  maintainer: pkg.author,
  homepage: pkg.homepage,
  copyright: "2026 the qus contributors",
  summary: "declarative provisioner for QEMU user-mode emulation",
  longDescription: [
    "qus reads a config file, compares it with the live binfmt_misc registrations",
    "and the emulators on disk, shows a plan, and applies only what changed. It",
    "can fetch verified static QEMU emulators from Debian or Fedora.",
    ".",
    "This package is a standalone executable with Node.js built in.",
  ],
};

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const work = mkdtempSync(join(outDir, ".work-"));
const say = (text) => process.stderr.write(`release: ${text}\n`);

say("qus.mjs (single-file bundle)");
execFileSync(process.execPath, [join(root, "scripts", "bundle.mjs"), join(outDir, "qus.mjs")], {
  stdio: "ignore",
});

say(`npm tarball qus-${pkg.version}.tgz`);
execFileSync("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", work], {
  cwd: root,
  stdio: "ignore",
});
renameSync(join(work, `qus-${pkg.version}.tgz`), join(outDir, `qus-${pkg.version}.tgz`));

const docs = {
  man: manPage(pkg.version, date.toISOString().slice(0, 10)),
  bash: bashCompletion(),
  zsh: zshCompletion(),
  fish: fishCompletion(),
};
const bundle = await buildSeaBundle(join(work, "sea"));
for (const arch of ["x64", "arm64"]) {
  say(
    `qus-linux-${arch} (standalone executable${arch === "arm64" ? ", built under emulation" : ""})`,
  );
  const executable = buildExecutable(arch, bundle, join(outDir, `qus-linux-${arch}`));
  say(`Debian package for ${arch}`);
  buildDeb({ arch, executable, docs, meta, root, outDir, date });
}
rmSync(work, { recursive: true, force: true });

const sums = readdirSync(outDir)
  .filter((name) => !name.startsWith("."))
  .sort()
  .map(
    (name) =>
      `${createHash("sha256")
        .update(readFileSync(join(outDir, name)))
        .digest("hex")}  ${name}\n`,
  )
  .join("");
writeFileSync(join(outDir, "SHA256SUMS"), sums);
say(`done: ${basename(outDir)}/ holds ${sums.trim().split("\n").length} artifacts and SHA256SUMS`);
