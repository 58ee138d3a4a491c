// "The qus to install" on fleet hosts and in the container image: the real release, as
// `npm run release` makes it (the .deb files and standalone executables beside SHA256SUMS), from
// the one build test/release/artifacts.ts shares with the artifact tests, so a fleet installs
// exactly what users install.
import { join } from "node:path";
import { releaseDir, VERSION } from "../release/artifacts.js";

/** A release directory, its version and this machine's standalone executable in it. */
export interface QusRelease {
  readonly dir: string;
  readonly version: string;
  /** The standalone executable for this machine's architecture (for the container image). */
  readonly executable: string;
}

const ARCH = process.arch === "arm64" ? "arm64" : "x64";

// Why: the tests must install what users install, built once for every test file that needs it.
/** The version package.json names. */
export function qusVersion(): string {
  return VERSION;
}

/** The release to install (built on first use, then cached by the sources that went in). */
export async function qusRelease(): Promise<QusRelease> {
  const dir = await releaseDir();
  return {
    dir,
    version: VERSION,
    executable: join(dir, `qus-linux-${ARCH}`),
  };
}
