// The version policy end to end: the built CLI installs bookworm's real QEMU 7.2.22 from the
// signed loopback archive; plan and status warn that it lacks openat2; a config with a suite
// list and a range moves it to trixie-backports' real QEMU 11.1.3, the plan showing
// `~ qemu: "7.2.22" -> "11.1.3"`, whatever order the suites are listed in; afterwards neither
// plan nor status warns, and a foreign binary runs under the new emulator.
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  debianMirror,
  startMirrorServer,
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

function config(source: Record<string, unknown>): Record<string, unknown> {
  return baseConfig(h.dir, {
    targets: ["aarch64"],
    source: { type: "debian", mirror: server.url, keyring: mirror.trustedKeyring, ...source },
    cacheDir: join(h.dir, "cache"),
    persist: false,
  });
}

const OPENAT2 =
  /qemu-aarch64 is QEMU 7\.2\.22, affected by known issue openat2-missing: .*QEMU >=9\.2\.0 avoids it/;

describe("current emulators by policy, through the CLI", () => {
  it("warns about bookworm's 7.2, then a range and a suite list move to 11.1.3", async () => {
    await h.writeConfig(config({ suite: "bookworm" }));
    const old = await h.qus("apply", "--auto-approve");
    expect(old.code).toBe(0);
    expect(old.stdout).toMatch(/\+ qemu: +"7\.2\.22"/);
    expect(old.stdout).toMatch(OPENAT2);

    const plan = await h.qus("plan");
    expect(plan.stdout).toContain("No changes.");
    expect(plan.stdout).toMatch(OPENAT2);
    const status = await h.qus("status", "--json");
    const doc = JSON.parse(status.stdout);
    const entry = doc.entries.find((e: { name: string }) => e.name === "qemu-aarch64");
    expect(entry).toMatchObject({ qemu: "7.2.22", known_issues: ["openat2-missing"] });
    expect(doc.warnings).toEqual([expect.stringMatching(OPENAT2)]);

    for (const suite of [
      ["trixie", "trixie-backports"],
      ["trixie-backports", "trixie"],
    ]) {
      await h.writeConfig(config({ suite, qemu: ">=9.2" }));
      const next = await h.qus("plan", "--json");
      expect(next.code).toBe(0);
      const planned = JSON.parse(next.stdout);
      const emulator = planned.changes.find((c: { kind: string }) => c.kind === "emulator");
      expect(emulator).toMatchObject({
        action: "replace",
        before: { qemu: "7.2.22" },
        after: {
          qemu: "11.1.3",
          origin: `qemu-user ${mirror.trixieBackportsUser.version} (debian ${suite.join(", ")})`,
        },
      });
      expect(planned.rendered).toContain('~ qemu:   "7.2.22" -> "11.1.3"');
      expect(planned.warnings).toEqual([]);
    }

    const upgrade = await h.qus("apply", "--auto-approve");
    expect(upgrade.code).toBe(0);
    expect(await h.sandbox.run(foreignBusybox(), ["uname", "-m"])).toMatchObject({
      code: 0,
      stdout: "aarch64\n",
    });
    const after = JSON.parse((await h.qus("status", "--json")).stdout);
    expect(after.entries.find((e: { name: string }) => e.name === "qemu-aarch64")).toMatchObject({
      qemu: "11.1.3",
      known_issues: [],
    });
    expect(after.warnings).toEqual([]);
    expect((await h.qus("plan")).stdout).not.toContain("Warning");
  }, 180_000);

  it("no suite offers a QEMU in the range: exit 1 with each suite's offers, nothing installed", async () => {
    await h.writeConfig(config({ suite: ["bookworm", "trixie-backports"], qemu: ">=12" }));
    const plan = await h.qus("plan");
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain(
      'Suites bookworm, trixie-backports (and bookworm-security) offer no QEMU satisfying qemu ">=12" for amd64',
    );
    expect(plan.stderr).toContain(
      `trixie-backports: qemu-user ${mirror.trixieBackportsUser.version} (QEMU 11.1.3)`,
    );
    expect(plan.stderr).not.toMatch(/\n\s+at /);
    expect(await h.entry("qemu-aarch64")).toBeNull();
  });

  it("a pin outside the range is refused at its line before anything is fetched", async () => {
    await h.writeConfig(
      config({ suite: "bookworm", qemu: ">=9.2", version: mirror.bookwormStatic.version }),
    );
    const plan = await h.qus("plan");
    expect(plan.code).toBe(1);
    expect(plan.stderr).toMatch(/source\.version: .* is QEMU 7\.2, outside qemu ">=9\.2"/);
    expect(server.log).toEqual([]);
  });
});
