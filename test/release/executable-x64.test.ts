// The x64 standalone executable as a user runs it: no Node.js on PATH, the real kernel interface
// in a private binfmt_misc (apply with verify, then a plan that finds nothing to do).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { qemuDir, requireFixtures } from "../helpers/fixtures.js";
import { startSandbox, type Sandbox } from "../helpers/sandbox.js";
import { releaseDir, VERSION } from "./artifacts.js";

let sandbox: Sandbox;
let dir: string;
let qus: string;
let emptyPath: string;

beforeAll(async () => {
  requireFixtures();
  qus = join(await releaseDir(), "qus-linux-x64");
  dir = await mkdtemp(join(tmpdir(), "qus-release-x64-"));
  emptyPath = join(dir, "no-node-here");
  sandbox = await startSandbox();
  const config = {
    targets: ["aarch64", "riscv64", "ppc64le", "s390x", "mips64el"],
    source: { type: "local", path: qemuDir() },
    installDir: join(dir, "emulators"),
    stateFile: join(dir, "state.json"),
    persist: false,
  };
  await writeFile(join(dir, "qus.config.json"), JSON.stringify(config));
}, 30 * 60_000);

afterAll(async () => {
  await sandbox?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const run = (...args: string[]) =>
  sandbox.run(qus, args, { cwd: dir, env: { PATH: emptyPath, NO_COLOR: "1" }, timeoutMs: 60_000 });

describe("qus-linux-x64 without Node.js", () => {
  it("prints its version", async () => {
    const r = await run("--version");
    expect(r).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });

  it("validates a config", async () => {
    const r = await run("validate");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("applies with --verify into the private binfmt_misc, then plans no changes", async () => {
    const apply = await run("apply", "--auto-approve", "--verify");
    expect(apply.stderr + apply.stdout).not.toMatch(/Internal error/);
    expect(apply.code).toBe(0);
    for (const target of ["aarch64", "riscv64", "ppc64le", "s390x", "mips64el"]) {
      const entry = await sandbox.run("cat", [`/proc/sys/fs/binfmt_misc/qemu-${target}`]);
      expect(entry.stdout).toMatch(/^enabled/);
    }
    const plan = await run("plan", "--json", "--detailed-exitcode");
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout).changes ?? []).toEqual([]);
  });
});
