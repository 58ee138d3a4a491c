// The npm entry's code cache files: which command a cache is for, when none is used, and that a
// cache is read and written only where no one but root and the user running qus can change it.
import {
  chmod,
  chown,
  mkdir,
  mkdtemp,
  readdir,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  cacheCommand,
  cacheOwners,
  codeCacheDir,
  codeCacheDisabled,
  codeCacheFile,
  readCodeCache,
  writeCodeCache,
} from "../../src/cli/code-cache.js";

const EUID = process.geteuid?.() ?? 0;
const OWNERS = cacheOwners(EUID);
const DATA = Buffer.from("cached code");
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "qus-code-cache-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("which cache", () => {
  it("is kept per command, the first argument naming one, else shared as other", () => {
    expect(cacheCommand(["plan", "-c", "qus.config.json"])).toBe("plan");
    expect(cacheCommand(["-c", "apply.json", "apply", "--auto-approve"])).toBe("apply");
    expect(cacheCommand(["--version"])).toBe("other");
    expect(cacheCommand(["init"])).toBe("other");
  });

  it("lives in code-cache under the default download cache, root's or the user's", () => {
    expect(codeCacheDir({ XDG_CACHE_HOME: "/x" }, 0, "/root")).toBe("/var/cache/qus/code-cache");
    expect(codeCacheDir({ XDG_CACHE_HOME: "/x" }, 1000, "/home/u")).toBe("/x/qus/code-cache");
  });

  it("lives where NODE_COMPILE_CACHE says, when it names a directory", () => {
    expect(codeCacheDir({ NODE_COMPILE_CACHE: "/srv/qus-code" }, 0, "/root")).toBe("/srv/qus-code");
    expect(codeCacheDir({ NODE_COMPILE_CACHE: "relative" }, 0, "/root")).toBe(
      "/var/cache/qus/code-cache",
    );
  });

  it("names the build, the command, V8 and the CPU", () => {
    expect(codeCacheFile("/c", "0123abcd", "plan", "11.3.244.8-node.38", "x64")).toBe(
      "/c/qus-0123abcd-plan-v8-11.3.244.8-node.38-x64.cache",
    );
  });

  it("is not used with NODE_DISABLE_COMPILE_CACHE set, nor by doctor and demo, which write nothing", () => {
    expect(codeCacheDisabled({ NODE_DISABLE_COMPILE_CACHE: "1" }, ["plan"])).toBe(true);
    expect(codeCacheDisabled({}, ["doctor"])).toBe(true);
    expect(codeCacheDisabled({}, ["demo", "--emulators", "/x"])).toBe(true);
    expect(codeCacheDisabled({ NODE_DISABLE_COMPILE_CACHE: "" }, ["plan"])).toBe(false);
  });
});

describe("reading a cache", () => {
  it("returns a private file's bytes", async () => {
    const file = join(dir, "a.cache");
    await writeFile(file, DATA, { mode: 0o600 });
    expect(readCodeCache(file, OWNERS)).toEqual(DATA);
  });

  it("ignores a file others can write, or one in a directory others can write", async () => {
    const file = join(dir, "a.cache");
    await writeFile(file, DATA);
    await chmod(file, 0o666);
    expect(readCodeCache(file, OWNERS)).toBeUndefined();
    await chmod(file, 0o600);
    await chmod(dir, 0o777);
    expect(readCodeCache(file, OWNERS)).toBeUndefined();
  });

  it("ignores a symbolic link, even to a good cache", async () => {
    await writeFile(join(dir, "real.cache"), DATA, { mode: 0o600 });
    await symlink(join(dir, "real.cache"), join(dir, "link.cache"));
    expect(readCodeCache(join(dir, "link.cache"), OWNERS)).toBeUndefined();
  });

  it("ignores a file another user owns", async () => {
    const file = join(dir, "a.cache");
    await writeFile(file, DATA, { mode: 0o600 });
    // As root the file is given away; otherwise the owners list simply leaves this user out.
    if (EUID === 0) await chown(file, 65534, 65534);
    expect(readCodeCache(file, EUID === 0 ? OWNERS : [0])).toBeUndefined();
  });

  it("has nothing for a missing file", () => {
    expect(readCodeCache(join(dir, "none.cache"), OWNERS)).toBeUndefined();
  });
});

describe("writing a cache", () => {
  it("creates a private directory and a private file", async () => {
    const file = join(dir, "code-cache", "qus-aaaa-plan-v8-1-x64.cache");
    writeCodeCache(file, DATA, OWNERS);
    expect((await stat(join(dir, "code-cache"))).mode & 0o777).toBe(0o700);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(readCodeCache(file, OWNERS)).toEqual(DATA);
  });

  it("writes nothing into a directory others can write", async () => {
    const open = join(dir, "open");
    await mkdir(open);
    await chmod(open, 0o777);
    writeCodeCache(join(open, "qus-aaaa-plan-v8-1-x64.cache"), DATA, OWNERS);
    expect(await readdir(open)).toEqual([]);
  });

  it("replaces the caches of other builds and their leftovers, keeps this build's other commands", async () => {
    const old = join(dir, "qus-old1-plan-v8-1-x64.cache");
    const sibling = join(dir, "qus-new2-apply-v8-1-x64.cache");
    await writeFile(old, DATA, { mode: 0o600 });
    await writeFile(`${old}.4242.tmp`, DATA, { mode: 0o600 });
    await writeFile(sibling, DATA, { mode: 0o600 });
    await writeFile(join(dir, "unrelated.txt"), "kept");
    writeCodeCache(join(dir, "qus-new2-plan-v8-1-x64.cache"), DATA, OWNERS);
    expect((await readdir(dir)).sort()).toEqual([
      "qus-new2-apply-v8-1-x64.cache",
      "qus-new2-plan-v8-1-x64.cache",
      "unrelated.txt",
    ]);
  });
});
