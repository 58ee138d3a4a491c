// Builds a test fixture once per machine under the temp directory, keyed by its inputs: test
// files running in parallel (and later runs) wait for one build instead of racing, and builds
// of older inputs are removed once idle for an hour.
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** How long to wait for another process's build, and when its lock counts as abandoned. */
export interface BuildLimits {
  readonly waitMs: number;
  readonly staleLockMs: number;
}

/**
 * Returns the parsed `fixture.json` of `<tmp>/<prefix><key>`, running `buildInto(staging)` first
 * when no build exists. `buildInto` writes `fixture.json`; paths in it that name the staging
 * directory are rewritten to the final one.
 */
export async function buildFixtureOnce<T>(
  prefix: string,
  key: string,
  buildInto: (dir: string) => Promise<void>,
  limits: BuildLimits,
): Promise<T> {
  const final = join(tmpdir(), `${prefix}${key}`);
  const lockDir = `${final}.lock`;
  const deadline = Date.now() + limits.waitMs;
  while (!existsSync(join(final, "fixture.json"))) {
    try {
      await mkdir(lockDir);
    } catch {
      const age = await stat(lockDir).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > limits.staleLockMs) await rm(lockDir, { recursive: true, force: true });
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for another test to build ${final}`);
      await sleep(250);
      continue;
    }
    try {
      if (!existsSync(join(final, "fixture.json"))) {
        const staging = `${final}.building-${process.pid}`;
        await rm(staging, { recursive: true, force: true });
        await buildInto(staging);
        const text = (await readFile(join(staging, "fixture.json"), "utf8"))
          .split(staging)
          .join(final);
        await writeFile(join(staging, "fixture.json"), text);
        await rm(final, { recursive: true, force: true });
        await rename(staging, final);
      }
    } finally {
      await rm(lockDir, { recursive: true, force: true });
    }
  }
  await removeOldBuilds(prefix, final);
  return JSON.parse(await readFile(join(final, "fixture.json"), "utf8")) as T;
}

async function removeOldBuilds(prefix: string, current: string): Promise<void> {
  for (const name of await readdir(tmpdir()).catch(() => [] as string[])) {
    const path = join(tmpdir(), name);
    if (
      !name.startsWith(prefix) ||
      path === current ||
      !/^[0-9a-f]{16}$/.test(name.slice(prefix.length))
    )
      continue;
    const idle = await stat(path).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (idle > 60 * 60_000) await rm(path, { recursive: true, force: true }).catch(() => undefined);
  }
}
