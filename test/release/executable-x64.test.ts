// The x64 standalone executable as a user runs it: no Node.js on PATH, the real kernel interface
// in a private binfmt_misc (new user + mount namespaces, never the host's): apply with verify,
// then a plan that finds nothing to do; and `qus demo`, which re-runs the executable itself in a
// namespace of its own and shows the guest-compatibility probes.
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnWithArm64 } from "../../scripts/release/emulate-arm64.mjs";
import { foreignBusybox, qemuDir, requireFixtures } from "../helpers/fixtures.js";
import { generationDir } from "../helpers/generations.js";
import { releaseDir, VERSION } from "./artifacts.js";

const TARGETS = ["aarch64", "riscv64", "ppc64le", "s390x", "mips64el"];
let dir: string;
let qus: string;
let noNode: string;
let demoBin: string;

beforeAll(async () => {
  requireFixtures();
  qus = join(await releaseDir(), "qus-linux-x64");
  dir = await mkdtemp(join(tmpdir(), "qus-release-x64-"));
  noNode = join(dir, "empty-bin");
  await mkdir(noNode);
  // The demo's own tools, and still no node.
  demoBin = join(dir, "demo-bin");
  await mkdir(demoBin);
  for (const tool of ["unshare", "mount", "umount"]) {
    await symlink(`/usr/bin/${tool}`, join(demoBin, tool));
  }
  const config = {
    targets: TARGETS,
    source: { type: "local", path: qemuDir() },
    installDir: join(dir, "emulators"),
    stateFile: join(dir, "state.json"),
    // Never root's default /var/cache/qus of the host.
    cacheDir: join(dir, "cache"),
    persist: false,
  };
  await writeFile(join(dir, "qus.config.json"), JSON.stringify(config));
}, 30 * 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs a shell script in a private binfmt_misc with PATH holding no node (qus is "$0"). */
const shell = (script: string) =>
  spawnWithArm64("/bin/sh", ["-c", `PATH=${noNode}; export PATH; ${script}`, qus], {
    cwd: dir,
    env: { NO_COLOR: "1" },
  });

describe("qus-linux-x64 without Node.js", () => {
  it("prints its version", () => {
    const r = shell('command -v node && exit 9; "$0" --version');
    expect(r).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });

  it("validates a config", () => {
    const r = shell('"$0" validate');
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("applies with --verify into the private binfmt_misc, then plans no changes", () => {
    const r = shell(
      '"$0" apply --auto-approve --verify >&2 || exit $?; "$0" plan --json --detailed-exitcode',
    );
    expect(r.stderr).not.toMatch(/Internal error/);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.changes).toEqual([]);
    expect(doc.has_changes).toBe(false);
    expect(doc.unchanged).toBe(2 * TARGETS.length); // each target's entry and emulator file
  });

  it("keeps V8's code cache of a command after its first run, then uses it as it is", () => {
    // /var/cache is a tmpfs of this namespace: root's default cache, never the host's.
    const r = shell(
      [
        "/bin/mount -t tmpfs tmpfs /var/cache || exit 7",
        "NODE_DISABLE_COMPILE_CACHE=; export NODE_DISABLE_COMPILE_CACHE",
        '"$0" validate >/dev/null || exit 8',
        "/bin/ls /var/cache/qus/code-cache",
        "f=$(echo /var/cache/qus/code-cache/*validate*)",
        '/usr/bin/stat -c %a:%i "$f"',
        '"$0" validate >/dev/null || exit 9',
        '/usr/bin/stat -c %a:%i "$f"',
      ].join("; "),
    );
    expect(r.stderr).toBe("");
    const [name, first, second] = r.stdout.trim().split("\n");
    expect(name).toMatch(/^qus-[0-9a-f]{16}-validate-v8-.+-x64\.cache$/);
    expect(first).toMatch(/^600:\d+$/);
    expect(second).toBe(first);
  });

  it("runs the demo: apply, the aarch64 busybox, the probes of a current QEMU, a no-op plan", () => {
    const emulators = generationDir("trixie-backports");
    const r = spawnSync(qus, ["demo", "--emulators", emulators, "--binary", foreignBusybox()], {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: demoBin, NO_COLOR: "1" },
      timeout: 120_000,
    });
    expect(r.stderr).not.toMatch(/Error|Internal/);
    expect(r.stdout).toContain("Apply complete! Resources: 10 added, 0 changed, 0 destroyed.");
    expect(r.stdout).toMatch(/uname -m[^\n]*\naarch64\n/);
    expect(r.stdout).toMatch(/\nqemu-aarch64 +ok +missing +ok +ok +ok +missing +ok\n/);
    expect(r.stdout).toContain("Probes: 0 errors, 5 warnings.");
    expect(r.stdout.trimEnd()).toMatch(/No changes\. binfmt_misc matches the configuration\.$/);
    expect(r.status).toBe(0);
  });
});
