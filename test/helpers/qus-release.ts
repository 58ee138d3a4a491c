// "The qus to install" on fleet hosts and in the container image, in one place: a release
// directory as `npm run release` makes it (artifacts beside SHA256SUMS), built once and shared
// by the tests that need it. Before the release build existed this was the single-file bundle
// behind a node launcher (still the fallback when scripts/release/ is absent).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { cliPath, projectRoot, requireBuilt } from "./fixtures.js";

/** A release directory and the role's install method for Debian hosts. */
export interface QusRelease {
  readonly dir: string;
  readonly version: string;
  /** `deb` or `executable`: what qus.binfmt.qus should install on these (Debian) hosts. */
  readonly install: "deb" | "executable";
  /** The standalone executable for this machine's architecture (for the container image). */
  readonly executable: string;
}

const RELEASE_SCRIPT = join(projectRoot, "scripts", "release", "release.mjs");
const RELEASE_DIR = join(projectRoot, "dist", "release");
const ARCH = process.arch === "arm64" ? "arm64" : "x64";

/** The version package.json names. */
export function qusVersion(): string {
  return JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")).version;
}

/** The release to install: dist/release (built if missing or older than the build). */
export async function qusRelease(scratch: string): Promise<QusRelease> {
  requireBuilt();
  if (!existsSync(RELEASE_SCRIPT)) return bundleStandIn(scratch);
  withLock(join(projectRoot, "dist", ".release-lock"), () => {
    if (!releaseIsFresh()) {
      execFileSync(process.execPath, [RELEASE_SCRIPT, RELEASE_DIR], {
        cwd: projectRoot,
        stdio: ["ignore", "ignore", "pipe"],
        timeout: 900_000,
      });
    }
  });
  return {
    dir: RELEASE_DIR,
    version: qusVersion(),
    install: "deb",
    executable: join(RELEASE_DIR, `qus-linux-${ARCH}`),
  };
}

function releaseIsFresh(): boolean {
  const sums = join(RELEASE_DIR, "SHA256SUMS");
  return existsSync(sums) && statSync(sums).mtimeMs >= statSync(cliPath()).mtimeMs;
}

// Test files run in parallel workers: one builds, the others wait (mkdir is atomic).
function withLock(lock: string, body: () => void): void {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + 900_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${lock} held for 15 minutes: remove it`);
      Atomics.wait(nap, 0, 0, 500);
    }
  }
  try {
    body();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

// The bundle behind a node launcher named as the executable; the fleet hosts share this
// machine's file system, so node is there.
function bundleStandIn(dir: string): QusRelease {
  mkdirSync(dir, { recursive: true });
  const bundle = join(dir, "qus.mjs");
  execFileSync(process.execPath, [join(projectRoot, "scripts", "bundle.mjs"), bundle], {
    stdio: "ignore",
    timeout: 120_000,
  });
  const executable = join(dir, `qus-linux-${ARCH}`);
  writeFileSync(
    executable,
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(bundle)} "$@"\n`,
  );
  chmodSync(executable, 0o755);
  const sums = [`qus-linux-${ARCH}`, "qus.mjs"].map(
    (name) =>
      `${createHash("sha256")
        .update(readFileSync(join(dir, name)))
        .digest("hex")}  ${name}`,
  );
  writeFileSync(join(dir, "SHA256SUMS"), `${sums.join("\n")}\n`);
  return { dir, version: qusVersion(), install: "executable", executable };
}
