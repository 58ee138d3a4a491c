// The npm entry's code cache through the built CLI, as root in a private sandbox whose /var/cache
// is the harness's: the first successful run of a command leaves its cache, later runs use it
// and leave it alone, a cache V8 rejects or others could change is replaced, and a failed run,
// qus doctor and NODE_DISABLE_COMPILE_CACHE leave none.
import { chmod, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliPath } from "../helpers/fixtures.js";
import type { RunResult } from "../helpers/sandbox.js";
import { baseConfig, type Harness, openHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The CLI with the code cache on (the test run turns it off for every other test). */
function qus(harness: Harness, env: Record<string, string>, ...args: string[]): Promise<RunResult> {
  return harness.sandbox.run(process.execPath, [cliPath(), ...args], {
    cwd: harness.dir,
    env: { NO_COLOR: "1", NODE_DISABLE_COMPILE_CACHE: "", ...env },
  });
}

const cacheDir = (harness: Harness) => join(harness.varCache, "qus", "code-cache");

async function caches(harness: Harness): Promise<string[]> {
  try {
    return (await readdir(cacheDir(harness))).sort();
  } catch {
    return [];
  }
}

async function opened(): Promise<Harness> {
  const harness = await openHarness();
  await harness.writeConfig(baseConfig(harness.dir));
  return harness;
}

describe("the npm entry's code cache", () => {
  it("is made by a command's first run, then used as it is", async () => {
    h = await opened();
    const first = await qus(h, {}, "plan", "-c", h.configPath);
    expect(first.code).toBe(0);
    const [name, ...others] = await caches(h);
    expect(others).toEqual([]);
    expect(name).toMatch(/^qus-[0-9a-f]{16}-plan-v8-.+-x64\.cache$/);
    const file = join(cacheDir(h), name as string);
    expect((await stat(cacheDir(h))).mode & 0o777).toBe(0o700);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const made = await readFile(file);

    const second = await qus(h, {}, "plan", "-c", h.configPath);
    expect(second).toEqual(first);
    expect((await readFile(file)).equals(made)).toBe(true);

    await qus(h, {}, "validate", "-c", h.configPath);
    expect((await caches(h)).map((n) => n.split("-")[2])).toEqual(["plan", "validate"]);
  });

  it("replaces a cache V8 rejects, and one others could change, and still runs right", async () => {
    h = await opened();
    const reference = await qus(h, {}, "validate", "-c", h.configPath);
    const file = join(cacheDir(h), (await caches(h))[0] as string);
    const made = await readFile(file);
    const garbage = Buffer.alloc(made.length, 7);
    await writeFile(file, garbage);
    expect(await qus(h, {}, "validate", "-c", h.configPath)).toEqual(reference);
    const remade = await readFile(file);
    expect(remade.equals(garbage)).toBe(false);
    // The remade cache is one V8 accepts: the next run leaves it as it is.
    await qus(h, {}, "validate", "-c", h.configPath);
    expect((await readFile(file)).equals(remade)).toBe(true);

    await chmod(file, 0o666);
    const untrusted = (await stat(file)).ino;
    expect(await qus(h, {}, "validate", "-c", h.configPath)).toEqual(reference);
    // Not read, and replaced (a new file renamed into place) by a private one.
    const replaced = await stat(file);
    expect(replaced.ino).not.toBe(untrusted);
    expect(replaced.mode & 0o777).toBe(0o600);
  });

  it("is not written by a failed run, by doctor, or with NODE_DISABLE_COMPILE_CACHE", async () => {
    h = await opened();
    await writeFile(join(h.dir, "broken.json"), '{ "targets": [ }');
    expect((await qus(h, {}, "validate", "-c", "broken.json")).code).toBe(1);
    await qus(h, {}, "doctor");
    expect(
      (await qus(h, { NODE_DISABLE_COMPILE_CACHE: "1" }, "plan", "-c", h.configPath)).code,
    ).toBe(0);
    expect(await caches(h)).toEqual([]);
  });
});
