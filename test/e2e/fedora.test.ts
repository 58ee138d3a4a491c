// The Fedora source end to end: the built CLI, with a `type: fedora` config pointing at the
// loopback repository (real RPMs signed by a throwaway key), installs the emulator from the
// signed package into a private binfmt_misc instance, and a real aarch64 busybox runs through it.
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { MirrorServer } from "../helpers/debian-mirror.js";
import {
  fedoraRepo,
  REFUSAL_RELEASES,
  startFedoraServer,
  UPDATE_VERSION,
  type FedoraRepoFixture,
} from "../helpers/fedora-repo.js";
import { emulatorPath, foreignBusybox } from "../helpers/fixtures.js";
import { baseConfig, openHarness, type Harness } from "./harness.js";

let repo: FedoraRepoFixture;
let server: MirrorServer;
let h: Harness;

beforeAll(async () => {
  repo = await fedoraRepo();
  server = await startFedoraServer(repo);
}, 300_000);
afterAll(async () => server?.stop());
beforeEach(async () => {
  server.reset();
  h = await openHarness();
});
afterEach(async () => h?.close());

function fedoraConfig(release: number = 41): Record<string, unknown> {
  return baseConfig(h.dir, {
    targets: ["aarch64"],
    source: { type: "fedora", release, mirror: server.url, key: repo.trustedKey },
    cacheDir: join(h.dir, "cache"),
    persist: false,
  });
}

describe("fedora source", () => {
  it("installs qemu-aarch64 from the newest signed package and runs a foreign binary", async () => {
    await h.writeConfig(fedoraConfig());
    const plan = await h.qus("plan");
    expect(plan.stderr).not.toMatch(/Error|Warning/);
    expect(plan.stderr).toContain(`Downloaded qemu-user-static-aarch64-${UPDATE_VERSION}`);
    // Each phase of the cold resolution has its line: download, signature check, extraction.
    const rpm = `qemu-user-static-aarch64-${UPDATE_VERSION}`;
    const steps = [`Downloaded ${rpm}`, `Checked ${rpm}`, "Extracted qemu-aarch64 from"];
    const at = steps.map((step) => plan.stderr.indexOf(step));
    expect(at.every((i) => i >= 0) && at.join() === [...at].sort((a, b) => a - b).join()).toBe(
      true,
    );
    expect(plan.stderr).toMatch(/: good header signature, header and payload digests match\n/);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(`qemu-user-static-aarch64 ${UPDATE_VERSION} (fedora 41)`);

    const apply = await h.qus("apply", "--auto-approve");
    expect(apply.stderr).not.toMatch(/Error/);
    expect(apply.code).toBe(0);
    const installed = join(h.dir, "emulators", "qemu-aarch64");
    expect((await readFile(installed)).equals(await readFile(emulatorPath("aarch64")))).toBe(true);
    expect((await stat(installed)).mode & 0o777).toBe(0o755);
    expect(await h.entry("qemu-aarch64")).toContain(`interpreter ${installed}`);
    expect(await h.sandbox.run(foreignBusybox(), ["uname", "-m"])).toMatchObject({
      code: 0,
      stdout: "aarch64\n",
    });

    const lock = JSON.parse(await readFile(join(h.dir, "qus.lock.json"), "utf8")) as {
      packages: Array<{ package: string; version: string; filename: string }>;
    };
    expect(lock.packages).toEqual([
      expect.objectContaining({
        package: "qemu-user-static-aarch64",
        version: UPDATE_VERSION,
        filename: repo.updateAarch64.filename,
      }),
    ]);

    // Converged and locked: no request to the mirror at all.
    server.reset();
    const again = await h.qus("plan", "--detailed-exitcode");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("No changes. binfmt_misc matches the configuration.");
    expect(server.log).toEqual([]);
  });

  it("a package signed by another key is refused and nothing is installed or registered", async () => {
    await h.writeConfig(fedoraConfig(REFUSAL_RELEASES.otherKey));
    const apply = await h.qus("apply", "--auto-approve");
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain("its header signature does not verify with key file");
    expect(apply.stderr).not.toMatch(/\n\s+at /);
    expect(await h.entry("qemu-aarch64")).toBeNull();
    await expect(stat(join(h.dir, "emulators", "qemu-aarch64"))).rejects.toThrow();
    await expect(stat(join(h.dir, "qus.lock.json"))).rejects.toThrow();
  });
});
