// The Debian source end to end: the built CLI, with a `type: debian` config pointing at the
// loopback archive (real packages, InRelease signed by a throwaway key), installs emulators
// into a private binfmt_misc instance; a real aarch64 busybox runs; the lock makes later runs
// offline; --upgrade moves to the newer security build and shows it as a replacement.
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  debianMirror,
  startMirrorServer,
  TRIXIE_SECURITY_VERSION,
  TRIXIE_VERSION,
  type DebianMirrorFixture,
  type MirrorServer,
} from "../helpers/debian-mirror.js";
import { foreignBusybox } from "../helpers/fixtures.js";
import { baseConfig, openHarness, type Harness } from "./harness.js";

let mirror: DebianMirrorFixture;
let server: MirrorServer;
let h: Harness;

beforeAll(async () => {
  mirror = await debianMirror();
  server = await startMirrorServer(mirror);
}, 300_000);
afterAll(async () => server?.stop());
beforeEach(async () => {
  server.reset();
  h = await openHarness();
});
afterEach(async () => h?.close());

function debianConfig(suite: string, keyring = mirror.trustedKeyring): Record<string, unknown> {
  return baseConfig(h.dir, {
    targets: ["aarch64", "riscv64"],
    source: { type: "debian", suite, mirror: server.url, keyring },
    cacheDir: join(h.dir, "cache"),
    persist: false,
  });
}

/** Each file outside the download cache with its modification time. */
async function modified(dir: string): Promise<Record<string, number>> {
  const times: Record<string, number> = {};
  for (const path of await listing(dir)) times[path] = (await stat(join(dir, path))).mtimeMs;
  return times;
}

/** Every path under dir (recursively), except inside the download cache. */
async function listing(dir: string): Promise<string[]> {
  const all = (await readdir(dir, { recursive: true })) as string[];
  return all.filter((path) => path !== "cache" && !path.startsWith("cache/")).sort();
}

describe("debian source through the CLI", () => {
  it("bookworm: verified install, a foreign binary runs, then no network at all", async () => {
    await h.writeConfig(debianConfig("bookworm"));
    const apply = await h.qus("apply", "--auto-approve");
    expect(apply.stderr).not.toMatch(/Error/);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain(
      `qemu-user-static ${mirror.bookwormStatic.version} (debian bookworm)`,
    );
    expect(apply.stderr).toMatch(/Downloaded .*qemu-user-static_.*\.deb/);
    expect(await h.sandbox.run(foreignBusybox(), ["uname", "-m"])).toMatchObject({
      code: 0,
      stdout: "aarch64\n",
    });

    const lock = JSON.parse(await readFile(join(h.dir, "qus.lock.json"), "utf8"));
    expect(JSON.stringify(lock)).toContain(mirror.bookwormStatic.sha256);

    server.reset();
    const again = await h.qus("plan", "--detailed-exitcode");
    expect(again.stdout).toContain("No changes. binfmt_misc matches the configuration.");
    expect(again.code).toBe(0);
    expect(server.log).toEqual([]);
  });

  it("trixie: the lock pins the version until --upgrade re-resolves to the newer security build", async () => {
    server.overlay = mirror.oldSecurityOverlay;
    await h.writeConfig(debianConfig("trixie"));
    const first = await h.qus("apply", "--auto-approve");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`qemu-user ${TRIXIE_VERSION} (debian trixie)`);
    const lockFile = join(h.dir, "qus.lock.json");
    expect(await readFile(lockFile, "utf8")).toContain(TRIXIE_VERSION);

    // The security build appears; the lock keeps the plan on the resolved version, offline.
    server.overlay = null;
    server.reset();
    expect((await h.qus("plan", "--detailed-exitcode")).code).toBe(0);
    expect(server.log).toEqual([]);

    // --upgrade re-resolves. The fixture's security build carries the same emulator bytes, so
    // nothing in binfmt_misc changes, but the lock now records the new version.
    const upgrade = await h.qus("apply", "--auto-approve", "--upgrade");
    expect(upgrade.code).toBe(0);
    expect(server.log.some((r) => r.path.includes("trixie-security"))).toBe(true);
    expect(await readFile(lockFile, "utf8")).toContain(TRIXIE_SECURITY_VERSION);
    expect((await h.qus("plan", "--detailed-exitcode")).code).toBe(0);
  });

  it("plan writes no lock: it shows the lock apply would write, and apply writes it", async () => {
    await h.writeConfig(debianConfig("bookworm"));
    const lockFile = join(h.dir, "qus.lock.json");
    const before = await listing(h.dir);
    const plan = await h.qus("plan", "--json");
    expect(plan.code).toBe(0);
    const doc = JSON.parse(plan.stdout);
    expect(doc.lock_file).toEqual({
      path: lockFile,
      action: "create",
      packages: [
        { package: "qemu-user-static", before: null, after: mirror.bookwormStatic.version },
      ],
      emulators_added: ["qemu-aarch64", "qemu-riscv64"],
      emulators_removed: [],
    });
    expect(doc.rendered).toContain(`# Lock file "${lockFile}" will be written by apply:`);
    // Nothing outside the download cache changed: no lock, no state, no file fingerprints.
    expect(await listing(h.dir)).toEqual(before);

    const apply = await h.qus("apply", "--auto-approve");
    expect(apply.code).toBe(0);
    expect(await readFile(lockFile, "utf8")).toContain(mirror.bookwormStatic.sha256);
    // The first plan after an apply learns the installed files' fingerprints: in the cache too.
    const applied = await modified(h.dir);
    const again = await h.qus("plan", "--json");
    expect(JSON.parse(again.stdout).lock_file).toBeNull();
    expect(await modified(h.dir)).toEqual(applied);
  });

  it("plan --upgrade leaves the lock as it is; a saved plan's apply writes what it resolved", async () => {
    server.overlay = mirror.oldSecurityOverlay;
    await h.writeConfig(debianConfig("trixie"));
    expect((await h.qus("apply", "--auto-approve")).code).toBe(0);
    const lockFile = join(h.dir, "qus.lock.json");
    const locked = await readFile(lockFile, "utf8");
    expect(locked).toContain(TRIXIE_VERSION);

    server.overlay = null;
    const upgrade = await h.qus("plan", "--upgrade", "--out", "upgrade.plan");
    expect(upgrade.code).toBe(0);
    expect(upgrade.stdout).toContain(
      `~ qemu-user: "${TRIXIE_VERSION}" -> "${TRIXIE_SECURITY_VERSION}"`,
    );
    expect(await readFile(lockFile, "utf8")).toBe(locked);
    // A plain plan still holds to the lock: the next apply does not upgrade unasked.
    const plain = await h.qus("plan", "--json");
    expect(JSON.parse(plain.stdout).lock_file).toBeNull();

    server.reset();
    const apply = await h.qus("apply", "upgrade.plan");
    expect(apply.stderr).toBe("");
    expect(apply.code).toBe(0);
    expect(await readFile(lockFile, "utf8")).toContain(TRIXIE_SECURITY_VERSION);
  });

  it("an archive signed by an untrusted key is refused: exit 1, nothing installed, registered or locked", async () => {
    await h.writeConfig(debianConfig("bookworm", mirror.untrustedKeyring));
    const apply = await h.qus("apply", "--auto-approve");
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/InRelease/);
    expect(apply.stderr).not.toMatch(/\n\s+at /);
    expect(await h.entry("qemu-aarch64")).toBeNull();
    const left = (await h.sh(`ls ${h.dir}`)).stdout.split("\n").filter(Boolean);
    expect(left).not.toContain("emulators");
    expect(left).not.toContain("qus.lock.json");
  });
});
