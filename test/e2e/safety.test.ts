// Production safety end to end, with the built CLI in a private binfmt_misc: persistence files
// follow the config, saved plans apply exactly or are refused when stale, one apply at a time,
// signals stop between steps, and an F entry whose emulator was replaced on disk is repaired.
import { existsSync, readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emulatorPath, foreignBusybox } from "../helpers/fixtures.js";
import { baseConfig, openHarness, type Harness } from "./harness.js";
import { registeredInterpretersIntact, spawnQus } from "./safety-spawn.js";

let h: Harness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(async () => {
  await h?.close();
});

const binfmtD = () => join(h.dir, "binfmt.d");
// persist is set explicitly: inside a user namespace (as here) its default is off.
const config = (overrides: Record<string, unknown> = {}) =>
  baseConfig(h.dir, { binfmtDDir: binfmtD(), persist: true, ...overrides });
const conf = (entry: string) => join(binfmtD(), `${entry}.conf`);
const read = (path: string) => readFileSync(path, "utf8");

describe("persistence (binfmt.d files)", () => {
  it("is off by default inside a user namespace, whose binfmt_misc instance does not outlive it", async () => {
    await h.writeConfig(baseConfig(h.dir, { binfmtDDir: binfmtD() }));
    const plan = await h.qus("plan");
    expect(plan.stdout).not.toContain("binfmt.d file");
    expect((await h.qus("apply", "--auto-approve")).code).toBe(0);
    expect(existsSync(binfmtD())).toBe(false);
  });

  it("creates, rewrites with a diff, and removes one file per entry as the config changes", async () => {
    await h.writeConfig(config());
    const plan = await h.qus("plan");
    expect(plan.stdout).toContain(`+ binfmt.d file "${conf("qemu-aarch64")}"`);
    expect(plan.stdout).toContain("Plan: 6 to add, 0 to change, 0 to destroy.");
    expect((await h.qus("apply", "--auto-approve")).code).toBe(0);
    const aarch64 = read(conf("qemu-aarch64"));
    expect(aarch64).toMatch(/^# Managed by qus/);
    expect(aarch64).toContain(`:qemu-aarch64:M:0:\\x7f\\x45\\x4c\\x46`);
    expect(aarch64).toContain(`:${join(h.dir, "emulators", "qemu-aarch64")}:POF\n`);
    // The line in the file is exactly what the kernel accepted: registering it again reproduces the entry.
    const entryBefore = await h.entry("qemu-aarch64");
    const line = aarch64.split("\n").find((l) => l.startsWith(":"))!;
    expect(
      (
        await h.sh(
          `echo -1 > /proc/sys/fs/binfmt_misc/qemu-aarch64 && printf '%s' '${line}' > /proc/sys/fs/binfmt_misc/register`,
        )
      ).code,
    ).toBe(0);
    expect(await h.entry("qemu-aarch64")).toBe(entryBefore);
    expect((await h.qus("plan", "--detailed-exitcode")).code).toBe(0);

    await h.writeConfig(config({ flags: "OF" }));
    const changed = await h.qus("plan");
    expect(changed.stdout).toContain(`-/+ binfmt.d file "${conf("qemu-aarch64")}"`);
    expect(changed.stdout).toMatch(/^ +-:qemu-aarch64:.*:POF$/m);
    expect(changed.stdout).toMatch(/^ +\+:qemu-aarch64:.*:OF$/m);
    expect((await h.qus("apply", "--auto-approve")).code).toBe(0);
    expect(read(conf("qemu-aarch64"))).toMatch(/:OF\n$/);

    await writeFile(join(binfmtD(), "other-tool.conf"), ":other-tool:E::xyz::/bin/true:\n");
    await h.writeConfig(config({ targets: ["aarch64"] }));
    const removal = await h.qus("plan");
    expect(removal.stdout).toContain(`- binfmt.d file "${conf("qemu-riscv64")}"`);
    expect((await h.qus("apply", "--auto-approve")).code).toBe(0);
    expect(existsSync(conf("qemu-riscv64"))).toBe(false);
    expect(existsSync(join(binfmtD(), "other-tool.conf"))).toBe(true);

    await h.writeConfig(config({ targets: ["aarch64"], persist: false }));
    expect((await h.qus("apply", "--auto-approve")).code).toBe(0);
    expect(existsSync(conf("qemu-aarch64"))).toBe(false);
    expect(await h.entry("qemu-aarch64")).toContain("enabled");
    expect((await h.qus("plan", "--detailed-exitcode")).code).toBe(0);
  });

  it("takes over a same-named file qus did not write, and restores one edited behind its back", async () => {
    await h.sh(`mkdir -p ${binfmtD()}`);
    await writeFile(
      conf("qemu-aarch64"),
      ":qemu-aarch64:M::\\x7fELF:\\xff\\xff\\xff\\xff:/usr/bin/qemu-aarch64-static:OCF\n",
    );
    await h.writeConfig(config({ targets: ["aarch64"] }));
    const plan = await h.qus("plan");
    expect(plan.stdout).toContain(`-/+ binfmt.d file "${conf("qemu-aarch64")}"`);
    expect(plan.stdout).toContain("qus did not write this file");
    expect((await h.qus("apply", "--auto-approve")).code).toBe(0);
    await writeFile(conf("qemu-aarch64"), `${read(conf("qemu-aarch64"))}# edited\n`);
    const drift = await h.qus("plan");
    expect(drift.stdout).toContain("the file was modified outside qus");
    expect((await h.qus("apply", "--auto-approve")).code).toBe(0);
    expect(read(conf("qemu-aarch64"))).not.toContain("# edited");
  });
});

describe("saved plans", () => {
  it("saves, shows and applies exactly the saved plan without a prompt", async () => {
    await h.writeConfig(config());
    const saved = await h.qus("plan", "--out", "tfplan.json");
    expect(saved.code).toBe(0);
    expect(saved.stdout).toContain("To perform exactly these actions, run: qus apply tfplan.json");
    expect(await h.entry("qemu-aarch64")).toBeNull();

    const shown = await h.qus("show", "tfplan.json");
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("Plan: 6 to add, 0 to change, 0 to destroy.");
    const json = JSON.parse((await h.qus("show", "tfplan.json", "--json")).stdout);
    expect(json).toMatchObject({ has_changes: true, summary: { add: 6 } });
    expect(json.rendered).toBe(shown.stdout);

    const apply = await h.qus("apply", "tfplan.json");
    expect(apply.stderr).not.toMatch(/Error/);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain("Apply complete! Resources: 6 added, 0 changed, 0 destroyed.");
    expect((await h.qus("plan", "--detailed-exitcode")).code).toBe(0);
  });

  it("refuses a stale plan with exit 1, says what changed, and changes nothing", async () => {
    await h.writeConfig(config());
    expect((await h.qus("apply", "--auto-approve")).code).toBe(0);
    await h.writeConfig(config({ targets: ["aarch64"] }));
    expect((await h.qus("plan", "--out", "tfplan.json")).code).toBe(0);
    await h.sh("echo 0 > /proc/sys/fs/binfmt_misc/qemu-riscv64");
    const stateBefore = await readFile(join(h.dir, "state", "state.json"), "utf8");

    const apply = await h.qus("apply", "tfplan.json");
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain("Saved plan is stale");
    expect(apply.stderr).toContain("binfmt_misc entry qemu-riscv64 changed");
    expect(apply.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(await h.entry("qemu-riscv64")).toMatch(/^disabled/);
    expect(await readFile(join(h.dir, "state", "state.json"), "utf8")).toBe(stateBefore);

    expect((await h.qus("plan", "--out", "tfplan.json")).code).toBe(0);
    await h.writeConfig(config({ targets: ["aarch64"], flags: "OF" }));
    const configChanged = await h.qus("apply", "tfplan.json");
    expect(configChanged.code).toBe(1);
    expect(configChanged.stderr).toContain("config: flags changed");
  });

  it("refuses a file that is not a saved plan", async () => {
    await writeFile(join(h.dir, "not-a-plan.json"), '{"hello": 1}\n');
    const show = await h.qus("show", "not-a-plan.json");
    expect(show.code).toBe(1);
    expect(show.stderr).toContain("is not a qus saved plan");
  });
});

describe("one apply at a time", () => {
  it("5 concurrent applies end in the correct state: one does the work, the others find nothing to do", async () => {
    await h.writeConfig(config({ targets: ["aarch64", "riscv64", "arm"] }));
    const runs = await Promise.all(
      Array.from({ length: 5 }, () => h.qus("apply", "--auto-approve", "--detailed-exitcode")),
    );
    expect(runs.map((r) => r.stderr.match(/^Error.*$/m)?.[0] ?? null)).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(runs.map((r) => r.code).sort()).toEqual([0, 0, 0, 0, 2]);
    expect(
      runs.filter((r) => r.stdout.includes("Apply complete! Resources: 9 added")),
    ).toHaveLength(1);
    expect(registeredInterpretersIntact(h.sandbox)).toEqual([]);
    expect((await h.qus("plan", "--detailed-exitcode")).code).toBe(0);
    expect(await h.sandbox.run(foreignBusybox(), ["uname", "-m"])).toMatchObject({
      code: 0,
      stdout: "aarch64\n",
    });
  });

  it("fails after --lock-timeout naming the holder; plan does not wait for the lock", async () => {
    await h.writeConfig(config({ targets: ["aarch64"] }));
    const holder = spawn("sleep", ["60"]);
    try {
      await h.sh(`mkdir -p ${join(h.dir, "state")}`);
      const lockFile = join(h.dir, "state", "apply.lock");
      await writeFile(
        lockFile,
        JSON.stringify({
          pid: holder.pid,
          since: "2030-01-01T00:00:00.000Z",
          command: "qus apply",
          bootId: null,
          startTime: null,
        }),
      );
      const started = Date.now();
      const apply = await h.qus("apply", "--auto-approve", "--lock-timeout", "1");
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
      expect(apply.code).toBe(1);
      expect(apply.stderr).toContain(
        `Another qus holds the apply lock ${lockFile}: pid ${holder.pid} (qus apply), since 2030-01-01T00:00:00.000Z`,
      );
      expect(await h.entry("qemu-aarch64")).toBeNull();
      expect((await h.qus("plan", "--detailed-exitcode")).code).toBe(2);
      holder.kill("SIGKILL");
      await new Promise((r) => holder.once("exit", r));
      const after = await h.qus("apply", "--auto-approve", "--lock-timeout", "1");
      expect(after.code).toBe(0);
      expect(existsSync(lockFile)).toBe(false);
    } finally {
      holder.kill("SIGKILL");
    }
  });
});

describe("signals", () => {
  it("SIGTERM stops between steps, reports what was done, and the next apply converges", async () => {
    await h.writeConfig(
      config({ targets: ["aarch64", "riscv64", "arm", "s390x", "ppc64le", "mips"] }),
    );
    const run = spawnQus(h.sandbox, h.dir, ["apply", "--auto-approve"]);
    let sent = false;
    run.child.stderr!.on("data", (chunk: string) => {
      if (!sent && /Install emulator/.test(chunk)) {
        sent = true;
        run.child.kill("SIGTERM");
      }
    });
    const result = await run.done;
    expect(sent).toBe(true);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Interrupted before: /);
    // Without a terminal, progress is one line per change; the change the signal stopped is marked.
    expect(result.stderr).toMatch(/^\[COMPLETED\] Install emulator /m);
    expect(result.stderr).toMatch(/^\[FAILED\] /m);
    expect(result.stderr).toMatch(
      /Done before stopping: \d+ added, 0 changed, 0 destroyed; run "qus plan" to see what is left\./,
    );
    expect(registeredInterpretersIntact(h.sandbox)).toEqual([]);
    const plan = await h.qus("plan", "--detailed-exitcode");
    expect(plan.code).toBe(2);
    expect((await h.qus("apply", "--auto-approve")).code).toBe(0);
    expect((await h.qus("plan", "--detailed-exitcode")).code).toBe(0);
  });
});

describe("F drift", () => {
  it("an emulator replaced on disk by rename is planned -/+ with the reason, repaired, then No changes", async () => {
    await h.writeConfig(config({ targets: ["aarch64"] }));
    expect((await h.qus("apply", "--auto-approve")).code).toBe(0);
    const installed = join(h.dir, "emulators", "qemu-aarch64");
    // The kernel denies writes to a file an F entry holds open, so replace it the way package managers do.
    expect(
      (
        await h.sh(
          `cp ${emulatorPath("riscv64")} ${installed}.new && mv ${installed}.new ${installed}`,
        )
      ).code,
    ).toBe(0);
    // The kernel still runs the emulator it opened at registration: drift it cannot show by itself.
    expect((await h.sandbox.run(foreignBusybox(), ["uname", "-m"])).stdout).toBe("aarch64\n");
    const plan = await h.qus("plan", "--json");
    const doc = JSON.parse(plan.stdout);
    const registration = doc.changes.find((c: { kind: string }) => c.kind === "registration");
    expect(registration).toMatchObject({ action: "replace", symbol: "-/+" });
    expect(registration.reasons).toContainEqual(
      expect.objectContaining({
        attribute: "emulator",
        forces_replacement: true,
        note: expect.stringContaining("F flag"),
      }),
    );
    expect(doc.changes.find((c: { kind: string }) => c.kind === "emulator").reasons[0].note).toBe(
      "the file was modified outside qus",
    );
    expect((await h.qus("apply", "--auto-approve")).code).toBe(0);
    expect(registeredInterpretersIntact(h.sandbox)).toEqual([]);
    expect((await h.qus("plan", "--detailed-exitcode")).code).toBe(0);
  });
});

describe("StrictModes as root", () => {
  it("refuses an installDir under a directory every user can write, and changes nothing", async () => {
    await h.sh(`mkdir -m 0777 ${join(h.dir, "open")} && chmod 0777 ${join(h.dir, "open")}`);
    await h.writeConfig(config({ installDir: join(h.dir, "open", "emulators") }));
    const apply = await h.qus("apply", "--auto-approve");
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(
      `Error: Refusing to run as root: ${join(h.dir, "open")}, a directory above installDir`,
    );
    expect(apply.stderr).toContain(`chmod go-w ${join(h.dir, "open")}`);
    expect(await h.entry("qemu-aarch64")).toBeNull();
  });
});
