// The release artifacts the tests use, built ONCE per source state and shared by every test file
// (and every later run until a source changes): `scripts/release/release.mjs` into a cache folder
// outside the clone keyed by a hash of what goes into the artifacts. A lock folder makes parallel
// test files wait for one build instead of starting several.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { projectRoot, requireBuilt } from "../helpers/fixtures.js";

const INPUTS = [
  "src",
  "scripts",
  "schemas",
  "examples",
  "package.json",
  "package-lock.json",
  "LICENSE",
];
const BUILD_TIMEOUT_MS = 25 * 60_000;

function hashInputs(): string {
  const hash = createHash("sha256");
  const add = (path: string): void => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) add(join(path, name));
    } else {
      hash.update(path.slice(projectRoot.length)).update(readFileSync(path));
    }
  };
  for (const input of INPUTS) add(join(projectRoot, input));
  return hash.digest("hex").slice(0, 20);
}

function cacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "qus-release", "test-builds");
}

/** The folder holding every release artifact for the current sources (built on first call). */
export async function releaseDir(): Promise<string> {
  requireBuilt();
  const dir = join(cacheRoot(), hashInputs());
  const lock = `${dir}.lock`;
  mkdirSync(cacheRoot(), { recursive: true });
  const started = Date.now();
  while (!existsSync(join(dir, "SHA256SUMS"))) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
    } catch {
      if (holderIsGone(lock)) {
        // A build killed midway (Ctrl-C of the test run) leaves its lock: not worth 25 minutes.
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - started > BUILD_TIMEOUT_MS)
        throw new Error(`${lock}: another build holds it too long`);
      await sleep(1000);
      continue;
    }
    try {
      if (!existsSync(join(dir, "SHA256SUMS"))) {
        rmSync(dir, { recursive: true, force: true });
        execFileSync(
          process.execPath,
          [join(projectRoot, "scripts", "release", "release.mjs"), dir],
          {
            cwd: projectRoot,
            stdio: ["ignore", "ignore", "inherit"],
          },
        );
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
    pruneOldBuilds(dir);
  }
  return dir;
}

/** True when the lock names a process that no longer exists. */
function holderIsGone(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, "pid"), "utf8"));
  } catch {
    // Just made, pid not written yet; or made by an older version: judged by its age.
    return existsSync(lock) && Date.now() - statSync(lock).mtimeMs > BUILD_TIMEOUT_MS;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** Builds of other source states unused for two days: ~300 MB each. */
function pruneOldBuilds(current: string): void {
  const root = cacheRoot();
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    if (path === current || name.endsWith(".lock") || existsSync(`${path}.lock`)) continue;
    if (Date.now() - statSync(path).mtimeMs > 2 * 24 * 3600_000)
      rmSync(path, { recursive: true, force: true });
  }
}

/** The package version the artifacts carry. */
export const VERSION: string = JSON.parse(
  readFileSync(join(projectRoot, "package.json"), "utf8"),
).version;
