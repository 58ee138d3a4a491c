// "The qus to install" on fleet hosts and in the container image, in one place: a release
// directory laid out as the release is (artifacts beside SHA256SUMS), and how a host takes it.
// Until the release artifacts exist this is the single-file bundle behind a node launcher
// named as the executable; the hosts share this machine's file system, so node is there.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot, requireBuilt } from "./fixtures.js";

/** A release directory and the role's install method for Debian hosts. */
export interface QusRelease {
  readonly dir: string;
  readonly version: string;
  /** `deb` or `executable`: what qus.binfmt.qus should install on these (Debian) hosts. */
  readonly install: "deb" | "executable";
  /** The standalone executable for this machine's architecture (for the container image). */
  readonly executable: string;
}

/** The version package.json names. */
export function qusVersion(): string {
  return JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")).version;
}

/** Lays out the release into `dir` (built once per call; callers share one directory). */
export function qusRelease(dir: string): QusRelease {
  requireBuilt();
  mkdirSync(dir, { recursive: true });
  const bundle = join(dir, "qus.mjs");
  execFileSync(process.execPath, [join(projectRoot, "scripts", "bundle.mjs"), bundle], {
    stdio: "ignore",
    timeout: 120_000,
  });
  const executable = join(dir, "qus-linux-x64");
  writeFileSync(
    executable,
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(bundle)} "$@"\n`,
  );
  chmodSync(executable, 0o755);
  const sums = ["qus-linux-x64", "qus.mjs"].map(
    (name) =>
      `${createHash("sha256")
        .update(readFileSync(join(dir, name)))
        .digest("hex")}  ${name}`,
  );
  writeFileSync(join(dir, "SHA256SUMS"), `${sums.join("\n")}\n`);
  return { dir, version: qusVersion(), install: "executable", executable };
}
