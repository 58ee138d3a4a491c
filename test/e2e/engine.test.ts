// The engine end to end: the built CLI against a real kernel (a private binfmt_misc instance),
// real Debian QEMU emulators, and a real aarch64 busybox that must run after apply.
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliPath, emulatorPath, foreignBusybox } from "../helpers/fixtures.js";
import { baseConfig, openHarness, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(async () => {
  await h?.close();
});

const runBusybox = () => h.sandbox.run(foreignBusybox(), ["uname", "-m"]);

describe("first apply and convergence", () => {
  it("plans, applies, runs a foreign binary, then plans no changes", async () => {
    await h.writeConfig(baseConfig(h.dir));
    expect((await runBusybox()).code).not.toBe(0);

    const plan = await h.qus("plan", "--detailed-exitcode");
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("Plan: 4 to add, 0 to change, 0 to destroy.");
    expect(await h.entry("qemu-aarch64")).toBeNull();

    const apply = await h.qus("apply", "--auto-approve", "--detailed-exitcode");
    expect(apply.stderr).not.toMatch(/Error/);
    expect(apply.code).toBe(2);
    expect(apply.stdout).toContain("Apply complete! Resources: 4 added, 0 changed, 0 destroyed.");

    const entry = await h.entry("qemu-aarch64");
    expect(entry).toContain(`interpreter ${join(h.dir, "emulators", "qemu-aarch64")}`);
    expect(entry).toContain("flags: POF");
    const installed = await stat(join(h.dir, "emulators", "qemu-aarch64"));
    expect(installed.mode & 0o777).toBe(0o755);
    expect(installed.size).toBe((await stat(emulatorPath("aarch64"))).size);

    const run = await runBusybox();
    expect(run).toMatchObject({ code: 0, stdout: "aarch64\n" });

    const second = await h.qus("plan", "--detailed-exitcode");
    expect(second).toMatchObject({ code: 0 });
    expect(second.stdout).toContain("No changes. binfmt_misc matches the configuration.");
    const again = await h.qus("apply", "--auto-approve", "--detailed-exitcode");
    expect(again.code).toBe(0);
    expect(again.stderr).toBe("");
  });

  it("mounts binfmt_misc when it is not mounted, and shows it in the plan", async () => {
    await h.close();
    h = await openHarness({ mount: false });
    const binfmtDir = "/proc/sys/fs/binfmt_misc";
    await h.writeConfig(baseConfig(h.dir, { targets: ["aarch64"] }));
    const plan = await h.qus("plan");
    expect(plan.stdout).toContain(`binfmt_misc will be mounted at ${binfmtDir}`);
    expect(plan.stdout).toContain("Plan: 3 to add");
    const apply = await h.qus("apply", "--auto-approve");
    expect(apply.code).toBe(0);
    expect((await h.sh(`cat ${binfmtDir}/qemu-aarch64`)).stdout).toContain("enabled");
    expect((await runBusybox()).stdout).toBe("aarch64\n");
  });
});

describe("changes to a converged host", () => {
  beforeEach(async () => {
    await h.writeConfig(baseConfig(h.dir));
    expect((await h.qus("apply", "--auto-approve")).code).toBe(0);
  });

  it("replaces an entry whose flags changed (-/+) and shows old -> new", async () => {
    await h.writeConfig(baseConfig(h.dir, { flags: "OF" }));
    const plan = await h.qus("plan");
    expect(plan.stdout).toMatch(/-\/\+ registration "qemu-aarch64"/);
    expect(plan.stdout).toMatch(/~ flags: +"POF" -> "OF" +# forces replacement/);
    expect(plan.stdout).toContain("Plan: 2 to add, 0 to change, 2 to destroy.");
    expect((await h.qus("apply", "--auto-approve")).code).toBe(0);
    expect(await h.entry("qemu-aarch64")).toContain("flags: OF\n");
    expect((await h.qus("plan", "--detailed-exitcode")).code).toBe(0);
  });

  it("re-enables an entry disabled behind its back, in place (~)", async () => {
    await h.sh("echo 0 > /proc/sys/fs/binfmt_misc/qemu-riscv64");
    const plan = await h.qus("plan");
    expect(plan.stdout).toMatch(/~ registration "qemu-riscv64"/);
    expect(plan.stdout).toContain("Plan: 0 to add, 1 to change, 0 to destroy.");
    expect((await h.qus("apply", "--auto-approve")).code).toBe(0);
    expect(await h.entry("qemu-riscv64")).toMatch(/^enabled/);
  });

  it("disables a target the config marks enabled: false, without re-registering", async () => {
    await h.writeConfig(
      baseConfig(h.dir, { targets: ["riscv64", { name: "arm64", enabled: false }] }),
    );
    const apply = await h.qus("apply", "--auto-approve");
    expect(apply.stdout).toContain("0 added, 1 changed, 0 destroyed");
    expect(await h.entry("qemu-aarch64")).toMatch(/^disabled/);
    expect((await runBusybox()).code).not.toBe(0);
  });

  it("prunes a target removed from the config and deletes its emulator", async () => {
    await h.writeConfig(baseConfig(h.dir, { targets: ["aarch64"] }));
    const plan = await h.qus("plan");
    expect(plan.stdout).toMatch(/- registration "qemu-riscv64"/);
    expect(plan.stdout).toContain("Plan: 0 to add, 0 to change, 2 to destroy.");
    expect((await h.qus("apply", "--auto-approve")).code).toBe(0);
    expect(await h.entry("qemu-riscv64")).toBeNull();
    await expect(stat(join(h.dir, "emulators", "qemu-riscv64"))).rejects.toThrow(/ENOENT/);
    const state = JSON.parse(await readFile(join(h.dir, "state", "state.json"), "utf8"));
    expect(Object.keys(state.registrations)).toEqual(["qemu-aarch64"]);
  });

  it("keeps undeclared owned entries when prune is false", async () => {
    await h.writeConfig(baseConfig(h.dir, { targets: ["aarch64"], prune: false }));
    const plan = await h.qus("plan", "--detailed-exitcode");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain("Kept qemu-riscv64");
  });

  it("restores an installed emulator modified outside qus, re-registering its F entry", async () => {
    // Replaced the way package managers do it: the kernel denies writes to a file F holds open.
    const target = join(h.dir, "emulators", "qemu-aarch64");
    expect(
      (await h.sh(`cp ${emulatorPath("arm")} ${target}.new && mv ${target}.new ${target}`)).code,
    ).toBe(0);
    const plan = await h.qus("plan");
    expect(plan.stdout).toMatch(/-\/\+ emulator ".*qemu-aarch64"/);
    expect(plan.stdout).toContain("the file was modified outside qus");
    expect(plan.stdout).toMatch(/-\/\+ registration "qemu-aarch64"/);
    expect((await h.qus("apply", "--auto-approve")).code).toBe(0);
    expect((await runBusybox()).stdout).toBe("aarch64\n");
    expect((await h.qus("plan", "--detailed-exitcode")).code).toBe(0);
  });

  it("destroys everything it owns and nothing else", async () => {
    await h.sh(`echo ':other-tool:E::xyz::/bin/true:' > /proc/sys/fs/binfmt_misc/register`);
    const destroy = await h.qus("destroy", "--auto-approve");
    expect(destroy.code).toBe(0);
    expect(destroy.stdout).toContain("Destroy complete! Resources: 4 destroyed.");
    expect(await h.entry("qemu-aarch64")).toBeNull();
    expect(await h.entry("qemu-riscv64")).toBeNull();
    expect(await h.entry("other-tool")).toContain("extension .xyz");
    expect((await h.sh(`ls ${join(h.dir, "emulators")}`)).stdout).toBe("");
  });
});

describe("entries qus did not make", () => {
  it("adopts an owned name registered by someone else instead of failing with File exists", async () => {
    const distro = emulatorPath("aarch64");
    await h.sh(
      `printf ':qemu-aarch64:M::\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:${distro}:OCF' > /proc/sys/fs/binfmt_misc/register`,
    );
    expect(await h.entry("qemu-aarch64")).toContain("flags: OCF");
    await h.writeConfig(baseConfig(h.dir, { targets: ["aarch64"] }));
    const plan = await h.qus("plan");
    expect(plan.stdout).toMatch(/-\/\+ registration "qemu-aarch64"/);
    expect(plan.stdout).toMatch(/~ interpreter:/);
    const apply = await h.qus("apply", "--auto-approve");
    expect(apply.code).toBe(0);
    expect(await h.entry("qemu-aarch64")).toContain("flags: POF");
  });

  it("leaves entries outside its prefix untouched and names them", async () => {
    await h.sh(`echo ':WSLInterop:M::MZ::/bin/true:PF' > /proc/sys/fs/binfmt_misc/register`);
    await h.writeConfig(baseConfig(h.dir, { targets: [] }));
    const plan = await h.qus("plan", "--detailed-exitcode");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain("Left untouched (not owned by qus");
    expect(plan.stdout).toContain("WSLInterop");
    expect((await h.qus("apply", "--auto-approve")).code).toBe(0);
    expect(await h.entry("WSLInterop")).toContain("interpreter /bin/true");
  });
});

describe("output for scripts", () => {
  it("prints one JSON document with the rendered text", async () => {
    await h.writeConfig(baseConfig(h.dir));
    const plan = await h.qus("plan", "--json");
    const doc = JSON.parse(plan.stdout);
    expect(doc).toMatchObject({
      format_version: "1",
      has_changes: true,
      summary: { add: 4, change: 0, destroy: 0 },
    });
    expect(doc.rendered).toContain("Plan: 4 to add, 0 to change, 0 to destroy.");
    const apply = JSON.parse((await h.qus("apply", "--auto-approve", "--json")).stdout);
    expect(apply.applied).toEqual({ add: 4, change: 0, destroy: 0 });
    const status = JSON.parse((await h.qus("status", "--json")).stdout);
    expect(status.entries.map((e: { name: string; owned: boolean }) => [e.name, e.owned])).toEqual([
      ["qemu-aarch64", true],
      ["qemu-riscv64", true],
    ]);
  });

  it("status tells entries qus registered apart from same-prefix entries another tool made", async () => {
    await h.writeConfig(baseConfig(h.dir, { targets: ["aarch64"] }));
    expect((await h.qus("apply", "--auto-approve")).code).toBe(0);
    // Another tool (update-binfmts, a distribution's binfmt.d) registers under the same prefix.
    await h.sh(`echo ':qemu-other:M::\\x7fELFxyz::/bin/true:' > /proc/sys/fs/binfmt_misc/register`);
    const doc = JSON.parse((await h.qus("status", "--json")).stdout);
    const rows = doc.entries.map(
      (e: { name: string; owned: boolean; registered_by_qus: boolean }) => [
        e.name,
        e.owned,
        e.registered_by_qus,
      ],
    );
    expect(rows).toEqual([
      ["qemu-aarch64", true, true],
      ["qemu-other", true, false],
    ]);
    expect(doc.summary).toEqual({ total: 2, owned: 2, registered_by_qus: 1 });
    const text = (await h.qus("status")).stdout;
    expect(text).toMatch(/^qemu-aarch64\s+✓\s+yes/m);
    expect(text).toMatch(/^qemu-other\s+other tool\s+yes/m);
    expect(text).toContain(
      '2 entries, 1 registered by qus (prefix "qemu-"), 1 more under its prefix made by another tool',
    );
    await h.sh("echo -1 > /proc/sys/fs/binfmt_misc/qemu-other");
  });

  it("on a terminal, asks and applies only after exactly 'yes'", async () => {
    await h.writeConfig(baseConfig(h.dir));
    // `script` gives qus a real pseudo-terminal; the answer arrives once the prompt is up.
    const onTty = (answer: string) =>
      h.sh(
        `(sleep 1.5; echo ${answer}) | script -qec "${process.execPath} ${cliPath()} apply" /dev/null`,
      );
    const declined = await onTty("y");
    expect(declined.code).toBe(1);
    expect(declined.stdout).toContain("Only 'yes' will be accepted to approve.");
    expect(declined.stdout).toContain("Apply cancelled.");
    expect(await h.entry("qemu-aarch64")).toBeNull();
    const approved = await onTty("yes");
    expect(approved.code).toBe(0);
    expect(approved.stdout).toMatch(
      /Apply complete! Resources: \d+ added, 0 changed, 0 destroyed\./,
    );
    expect(await h.entry("qemu-aarch64")).toContain("enabled");
  });

  it("Ctrl-C or Ctrl-D at the prompt ends like a declined approval: one line, exit 1, nothing changed", async () => {
    await h.writeConfig(baseConfig(h.dir));
    for (const key of ["\\003", "\\004"]) {
      const interrupted = await h.sh(
        `(sleep 1.5; printf '${key}'; sleep 1) | script -qec "${process.execPath} ${cliPath()} apply" /dev/null`,
      );
      expect(interrupted.code).toBe(1);
      // On the terminal the Error: label is red; the words are what matter here.
      const plain = interrupted.stdout.replace(/\x1b\[[0-9;]*m/g, "");
      const after = plain.slice(plain.indexOf("Enter a value:"));
      expect(after).not.toMatch(/Internal error|this is a bug|\n\s+at /);
      expect(after.trim().split("\n").at(-1)?.trim()).toBe("Error: Apply cancelled.");
      expect(await h.entry("qemu-aarch64")).toBeNull();
      expect((await h.sh("ls emulators 2>/dev/null | wc -l")).stdout.trim()).toBe("0");
    }
  });

  it("refuses to apply without a terminal or --auto-approve, and changes nothing", async () => {
    await h.writeConfig(baseConfig(h.dir));
    const apply = await h.qus("apply");
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain("needs approval, and there is no terminal to ask on");
    expect(apply.stderr).toContain("--auto-approve");
    expect(await h.entry("qemu-aarch64")).toBeNull();
  });
});
