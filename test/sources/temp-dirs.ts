// Temporary directories for a test file, all removed after its tests: the Debian tests copy
// 10-60 MB packages into their caches, which must not pile up in the temp directory.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

/** Call at the top of a test file; returns a function making directories removed after all its tests. */
export function tempDirs(): (prefix: string) => Promise<string> {
  const created: string[] = [];
  afterAll(async () => {
    await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async (prefix) => {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    created.push(dir);
    return dir;
  };
}
