// The Ansible example with real ansible-core, run inside a private binfmt_misc: the first run
// reports changed and registers, the second reports changed=0, and --check changes nothing.
import { spawnSync } from "node:child_process";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliPath, foreignBusybox, projectRoot } from "../helpers/fixtures.js";
import { baseConfig, openHarness, type Harness } from "../e2e/harness.js";

const PLAYBOOK = join(projectRoot, "examples", "ansible", "playbook.yml");
const MODULE_PLAYBOOK = join(projectRoot, "examples", "ansible", "playbook-module.yml");

function requireAnsible(): void {
  const probe = spawnSync("ansible-playbook", ["--version"], { encoding: "utf8" });
  if (probe.status !== 0) {
    throw new Error(
      "ansible-playbook is not installed: run scripts/setup.sh (it installs Debian's ansible-core)",
    );
  }
}

let h: Harness;
beforeEach(async () => {
  requireAnsible();
  h = await openHarness();
  // `qus` on PATH, as the playbook expects: a wrapper around the built CLI.
  await mkdir(join(h.dir, "bin"));
  await writeFile(
    join(h.dir, "bin", "qus"),
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath())} "$@"\n`,
  );
  await chmod(join(h.dir, "bin", "qus"), 0o755);
  await h.writeConfig(baseConfig(h.dir, { targets: ["aarch64"], persist: false }));
});
afterEach(async () => {
  await h.close();
});

function playbook(...extra: string[]) {
  return runPlaybook(PLAYBOOK, ...extra);
}

async function runPlaybook(file: string, ...extra: string[]) {
  const env = {
    PATH: `${join(h.dir, "bin")}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    HOME: h.dir,
    ANSIBLE_LOCAL_TEMP: join(h.dir, "ansible-tmp"),
    ANSIBLE_REMOTE_TEMP: join(h.dir, "ansible-tmp"),
    ANSIBLE_NOCOLOR: "1",
    ANSIBLE_RETRY_FILES_ENABLED: "0",
    ANSIBLE_BECOME: "false",
    // The qus.binfmt collection, from the repository (ansible_collections/qus/binfmt).
    ANSIBLE_COLLECTIONS_PATH: projectRoot,
  };
  const run = await h.sandbox.run(
    "ansible-playbook",
    [
      "-i",
      "localhost,",
      "-c",
      "local",
      file,
      "-e",
      `qus_config=${h.configPath}`,
      "-e",
      "ansible_become=false",
      ...extra,
    ],
    { cwd: h.dir, env, timeoutMs: 60_000 },
  );
  const recap = /localhost\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/.exec(
    run.stdout,
  );
  if (recap === null)
    throw new Error(
      `no PLAY RECAP in ansible-playbook output (exit ${run.code}):\n${run.stdout}\n${run.stderr}`,
    );
  return { ...run, ok: Number(recap[1]), changed: Number(recap[2]), failed: Number(recap[4]) };
}

describe("examples/ansible/playbook.yml", () => {
  it("--check reports the change and registers nothing; then changed once, then changed=0", {
    timeout: 120_000,
  }, async () => {
    const check = await playbook("--check", "--diff");
    expect(check).toMatchObject({ code: 0, failed: 0, changed: 1 });
    expect(check.stdout).toContain("Plan: 2 to add, 0 to change, 0 to destroy.");
    expect(await h.entry("qemu-aarch64")).toBeNull();

    const first = await playbook();
    expect(first).toMatchObject({ code: 0, failed: 0, changed: 2 });
    expect(await h.entry("qemu-aarch64")).toContain("enabled");
    expect((await h.sandbox.run(foreignBusybox(), ["uname", "-m"])).stdout).toBe("aarch64\n");

    const second = await playbook();
    expect(second).toMatchObject({ code: 0, failed: 0, changed: 0 });
    expect(second.stdout).toMatch(/TASK \[Apply the plan\][^\n]*\n\s*skipping: \[localhost\]/);
  });

  it("fails the play when qus fails", { timeout: 60_000 }, async () => {
    await writeFile(
      h.configPath,
      `${JSON.stringify({ targets: ["aarch46"], source: { type: "local", path: "/nonexistent" } })}\n`,
    );
    const broken = await playbook();
    expect(broken.code).not.toBe(0);
    expect(broken.failed).toBe(1);
    expect(broken.stdout).toContain("unknown target");
  });

  it("the qus.binfmt.emulation module: check mode plans only (with the plan as diff), then changed once, then changed=0", {
    timeout: 120_000,
  }, async () => {
    const check = await runPlaybook(MODULE_PLAYBOOK, "--check", "--diff");
    expect(check).toMatchObject({ code: 0, failed: 0, changed: 1 });
    expect(check.stdout).toContain('+ registration "qemu-aarch64"');
    expect(await h.entry("qemu-aarch64")).toBeNull();

    const first = await runPlaybook(MODULE_PLAYBOOK, "-v");
    expect(first).toMatchObject({ code: 0, failed: 0, changed: 1 });
    expect(first.stdout).toContain("Verify: 1 passed, 0 failed.");
    expect((await h.sandbox.run(foreignBusybox(), ["uname", "-m"])).stdout).toBe("aarch64\n");

    const second = await runPlaybook(MODULE_PLAYBOOK);
    expect(second).toMatchObject({ code: 0, failed: 0, changed: 0 });
  });

  it("the qus.binfmt.emulation module with state=absent: check mode removes nothing, then destroy once", {
    timeout: 120_000,
  }, async () => {
    expect(await runPlaybook(MODULE_PLAYBOOK)).toMatchObject({ code: 0, changed: 1 });
    const check = await runPlaybook(MODULE_PLAYBOOK, "--check", "--diff", "-e", "qus_state=absent");
    expect(check).toMatchObject({ code: 0, failed: 0, changed: 1 });
    expect(check.stdout).toContain('- registration "qemu-aarch64"');
    expect(await h.entry("qemu-aarch64")).toContain("enabled");

    const destroy = await runPlaybook(MODULE_PLAYBOOK, "-e", "qus_state=absent");
    expect(destroy).toMatchObject({ code: 0, failed: 0, changed: 1 });
    expect(await h.entry("qemu-aarch64")).toBeNull();
    expect(await runPlaybook(MODULE_PLAYBOOK, "-e", "qus_state=absent")).toMatchObject({
      changed: 0,
    });
  });
});
