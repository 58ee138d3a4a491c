// The x64 standalone executable installing from a Debian mirror (the loopback fixture) as a user
// runs it: no Node.js and no xz on PATH, in a private binfmt_misc. The executable starts from a
// V8 snapshot and keeps its heavy packages as assets loaded on first use, so this is where
// OpenPGP (the InRelease signature) and the bundled xz decoder must load from those assets.
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { debianMirror, startMirrorServer, type MirrorServer } from "../helpers/debian-mirror.js";
import { requireFixtures } from "../helpers/fixtures.js";
import { startSandbox, type Sandbox } from "../helpers/sandbox.js";
import { releaseDir } from "./artifacts.js";

let dir: string;
let qus: string;
let noTools: string;
let server: MirrorServer;
let sandbox: Sandbox;

beforeAll(async () => {
  requireFixtures();
  qus = join(await releaseDir(), "qus-linux-x64");
  const mirror = await debianMirror();
  server = await startMirrorServer(mirror);
  sandbox = await startSandbox();
  dir = await mkdtemp(join(tmpdir(), "qus-release-debian-"));
  noTools = join(dir, "empty-bin");
  await mkdir(noTools);
  const config = {
    targets: ["aarch64", "riscv64"],
    source: {
      type: "debian",
      suite: "trixie",
      security: false,
      mirror: server.url,
      keyring: mirror.trustedKeyring,
    },
    installDir: join(dir, "emulators"),
    stateFile: join(dir, "state.json"),
    cacheDir: join(dir, "cache"),
    persist: false,
  };
  await writeFile(join(dir, "qus.config.json"), JSON.stringify(config));
}, 30 * 60_000);

afterAll(async () => {
  await sandbox?.stop();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs a shell script in the sandbox with PATH holding neither node nor xz (qus is "$0"). */
const shell = (script: string) =>
  sandbox.run("/bin/sh", ["-c", `PATH=${noTools}; export PATH; ${script}`, qus], {
    cwd: dir,
    env: { NO_COLOR: "1" },
    timeoutMs: 120_000,
  });

describe("qus-linux-x64 from a Debian mirror", () => {
  it("verifies the signed index, unpacks with its own xz decoder, then plans no changes", async () => {
    const r = await shell(
      'command -v xz && exit 9; "$0" apply --auto-approve >&2 || exit $?; "$0" plan --detailed-exitcode',
    );
    expect(r.stderr).not.toMatch(/Internal error/);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("No changes.");
    for (const target of ["aarch64", "riscv64"]) {
      const emulator = await stat(join(dir, "emulators", `qemu-${target}`));
      expect(emulator.size).toBeGreaterThan(1_000_000);
    }
  }, 180_000);
});
