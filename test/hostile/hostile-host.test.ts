// Hostile hosts and paths, through the real CLI in a private binfmt_misc (run as root there): a
// binfmtDir that is not binfmt_misc, files qus did not write, files other users control, an
// unknown CPU, leftovers of a killed run. Each refusal exits 1 with one clear message; the mount
// table and every unrelated file are the same before and after.
import { chmod, chown, copyFile, mkdir, readFile, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { baseConfig, openHarness, type Harness } from "../e2e/harness.js";
import { cliPath, emulatorPath } from "../helpers/fixtures.js";
import type { RunResult } from "../helpers/sandbox.js";

const NOBODY = 65534;
const STACK_LINE = /^\s*at .*:\d+(:\d+)?\)?$/m;

let h: Harness;
let caseNumber = 0;
let dir: string;

beforeAll(async () => {
  h = await openHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  dir = join(h.dir, `case-${++caseNumber}`);
  await mkdir(dir);
});

/** Runs the CLI inside the sandbox with `dir` as the working directory. */
function qus(args: readonly string[], env: Record<string, string> = {}): Promise<RunResult> {
  return h.sandbox.run(process.execPath, [cliPath(), ...args], {
    cwd: dir,
    env: { NO_COLOR: "1", ...env },
  });
}

async function writeConfig(config: Record<string, unknown>): Promise<string> {
  const path = join(dir, "qus.config.json");
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

const mountTable = () => readFile(`/proc/${h.sandbox.pid}/mountinfo`, "utf8");
const kernelFiles = async () => (await h.sh("ls /proc/sys/fs/binfmt_misc")).stdout;

/** Exit 1, the message, no internal error or stack, and no change to the mounts or the kernel. */
async function expectRefusal(
  args: readonly string[],
  says: RegExp,
  env: Record<string, string> = {},
): Promise<RunResult> {
  const [mountsBefore, kernelBefore] = [await mountTable(), await kernelFiles()];
  const result = await qus(args, env);
  expect(result.code, result.stderr).toBe(1);
  expect(result.stderr).toMatch(says);
  expect(result.stderr).not.toContain("Internal error");
  expect(result.stderr).not.toMatch(STACK_LINE);
  expect(await mountTable()).toBe(mountsBefore);
  expect(await kernelFiles()).toBe(kernelBefore);
  return result;
}

/** Content, mode, owner and mtime: what "untouched" means for a file. */
async function fingerprint(path: string): Promise<string> {
  const info = await stat(path);
  return `${(await readFile(path)).toString("base64")} ${info.mode} ${info.uid} ${info.mtimeMs}`;
}

const APPLY = ["apply", "--auto-approve"];

describe("binfmtDir must be binfmt_misc", () => {
  it("binfmtDir: /tmp is refused, and /tmp is not mounted over", async () => {
    await writeConfig(baseConfig(dir, { binfmtDir: "/tmp" }));
    for (const command of [["plan"], APPLY, ["status"]])
      await expectRefusal(
        command,
        /binfmtDir \/tmp is not a binfmt_misc file system: it is an ordinary directory on \S+|binfmtDir \/tmp is not a binfmt_misc file system: it is a \S+ mount/,
      );
  });

  it("an ordinary directory holding register and status files is refused; they are untouched", async () => {
    const fake = join(dir, "fake-binfmt");
    await mkdir(fake);
    await writeFile(join(fake, "register"), "");
    await writeFile(join(fake, "status"), "enabled\n");
    const before = [
      await fingerprint(join(fake, "register")),
      await fingerprint(join(fake, "status")),
    ];
    await writeConfig(baseConfig(dir, { binfmtDir: fake }));
    await expectRefusal(
      APPLY,
      new RegExp(
        `binfmtDir ${fake} is not a binfmt_misc file system: it is an ordinary directory on`,
      ),
    );
    expect([
      await fingerprint(join(fake, "register")),
      await fingerprint(join(fake, "status")),
    ]).toEqual(before);
  });

  it("a tmpfs at binfmtDir is named as such", async () => {
    const tmpfs = join(dir, "tmpfs");
    await mkdir(tmpfs);
    expect((await h.sh(`mount -t tmpfs qus-test ${tmpfs}`)).code).toBe(0);
    try {
      await writeConfig(baseConfig(dir, { binfmtDir: tmpfs }));
      await expectRefusal(APPLY, /is not a binfmt_misc file system: it is a tmpfs mount/);
    } finally {
      await h.sh(`umount ${tmpfs}`);
    }
  });
});

describe("qus owns only what it wrote", () => {
  it("refuses a same-named file it did not install; apply and destroy leave it alone", async () => {
    const installDir = join(dir, "emulators");
    await mkdir(installDir);
    const foreign = join(installDir, "qemu-aarch64");
    await copyFile("/bin/true", foreign);
    const before = await fingerprint(foreign);
    await writeConfig(baseConfig(dir, { targets: ["aarch64"], installDir }));
    await expectRefusal(
      APPLY,
      new RegExp(
        `Refusing to replace a file qus did not install .*\\n  ${foreign}: its content differs`,
      ),
    );
    const refused = await qus(APPLY);
    expect(refused.stderr).toContain(
      `if ${foreign} is not needed, remove it yourself; otherwise choose another installDir`,
    );
    // Another target applies beside it; destroy then removes only what qus installed.
    await writeConfig(baseConfig(dir, { targets: ["riscv64"], installDir }));
    expect((await qus(APPLY)).code).toBe(0);
    const destroy = await qus(["destroy", "--auto-approve"]);
    expect(destroy.code, destroy.stderr).toBe(0);
    await expect(stat(join(installDir, "qemu-riscv64"))).rejects.toThrow(/ENOENT/);
    expect(await fingerprint(foreign)).toBe(before);
  });

  it("refuses system directories as installDir, by real path (/bin is /usr/bin)", async () => {
    await writeConfig(baseConfig(dir, { installDir: "/bin" }));
    await expectRefusal(
      APPLY,
      /Refusing installDir \/bin: it is the system directory \/(usr\/bin \(\/bin resolves to it\)|bin), whose files belong to the distribution/,
    );
    await writeConfig(baseConfig(dir, { installDir: "/usr/lib" }));
    await expectRefusal(
      ["plan"],
      /Refusing installDir \/usr\/lib: it is the system directory \/usr\/lib/,
    );
  });
});

describe("root registers only files root controls", () => {
  it("reinstalls its own emulator that another user took over in a sticky, world-writable installDir", async () => {
    const installDir = join(dir, "shared");
    await mkdir(installDir);
    await chmod(installDir, 0o1777);
    await writeConfig(baseConfig(dir, { targets: ["aarch64"], installDir }));
    expect((await qus(APPLY)).code).toBe(0);
    const emulator = join(installDir, "qemu-aarch64");
    await chown(emulator, NOBODY, NOBODY);
    const plan = await qus(["plan"]);
    expect(plan.stdout).toMatch(/owner: +"owned by uid 65534, mode 0755" -> "root, mode 0755"/);
    expect(plan.stdout).toContain("root registers only files that only root can change");
    const apply = await qus(APPLY);
    expect(apply.code, apply.stderr).toBe(0);
    expect((await stat(emulator)).uid).toBe(0);
    expect((await qus(["plan", "--detailed-exitcode"])).code).toBe(0);
  });

  it("refuses a file of another user that qus did not install, even with the right content", async () => {
    const installDir = join(dir, "shared");
    await mkdir(installDir);
    await chmod(installDir, 0o1777);
    const planted = join(installDir, "qemu-aarch64");
    await copyFile(emulatorPath("aarch64"), planted);
    await chown(planted, NOBODY, NOBODY);
    const before = await fingerprint(planted);
    await writeConfig(baseConfig(dir, { targets: ["aarch64"], installDir }));
    await expectRefusal(
      APPLY,
      new RegExp(
        `${planted}: it is owned by uid 65534, mode 0755, and root registers only files only root can change`,
      ),
    );
    expect(await fingerprint(planted)).toBe(before);
  });

  it("refuses a config file owned by nobody", async () => {
    const config = await writeConfig(baseConfig(dir));
    await chown(config, NOBODY, NOBODY);
    await expectRefusal(
      ["plan"],
      /config file .*qus\.config\.json is owned by uid 65534, not root/,
    );
  });

  it("refuses a keyring every user can write, before anything is fetched", async () => {
    const keyring = join(dir, "keyring.gpg");
    await writeFile(keyring, "");
    await chmod(keyring, 0o666);
    await writeConfig(
      baseConfig(dir, {
        source: { type: "debian", suite: "bookworm", mirror: "http://127.0.0.1:9/debian", keyring },
      }),
    );
    await expectRefusal(
      ["plan"],
      new RegExp(`keyring ${keyring} is writable by every user \\(mode 0666\\)`),
    );
  });

  it("refuses a local source's emulator owned by nobody in a sticky, world-writable directory", async () => {
    const source = join(dir, "drop");
    await mkdir(source);
    await chmod(source, 0o1777);
    const planted = join(source, "qemu-aarch64-static");
    await copyFile(emulatorPath("aarch64"), planted);
    await chown(planted, NOBODY, NOBODY);
    await writeConfig(
      baseConfig(dir, { targets: ["aarch64"], source: { type: "local", path: source } }),
    );
    await expectRefusal(
      APPLY,
      new RegExp(`local source emulator ${planted} is owned by uid 65534, not root`),
    );
    await expect(stat(join(dir, "emulators", "qemu-aarch64"))).rejects.toThrow(/ENOENT/);
  });
});

describe("a local source qus cannot read", () => {
  // Owned by uid 65534, which the sandbox does not map: its root has no override on it, as any
  // user has none on another user's private directory.
  it('a source.path root cannot list or enter says so at its position, not "no emulator in"', async () => {
    for (const [name, mode] of [
      ["closed", 0o000],
      ["listable-only", 0o644],
    ] as const) {
      const source = join(dir, name);
      await mkdir(source);
      const emulator = join(source, "qemu-aarch64-static");
      await copyFile(emulatorPath("aarch64"), emulator);
      await chown(source, NOBODY, NOBODY);
      await chmod(source, mode);
      const before = await fingerprint(emulator);
      await writeConfig(
        baseConfig(dir, { targets: ["aarch64"], source: { type: "local", path: source } }),
      );
      for (const command of [["plan"], APPLY]) {
        const result = await expectRefusal(
          command,
          new RegExp(
            `^Error: qus\\.config\\.json:\\d+:\\d+: source\\.path "${source}" cannot be read: permission denied \\(EACCES\\)\\n`,
          ),
        );
        expect(result.stderr).not.toContain("No emulator in");
      }
      await expect(stat(join(dir, "emulators"))).rejects.toThrow(/ENOENT/);
      expect(await fingerprint(emulator)).toBe(before);
      expect((await stat(source)).mode & 0o7777).toBe(mode);
    }
  });
});

describe("the host's CPU", () => {
  it("refuses a machine it does not know, naming it and the hostCpu override", async () => {
    await writeConfig(baseConfig(dir));
    const result = await expectRefusal(
      ["plan"],
      /uname -m says "ia64", which is none of the CPUs QEMU emulates/,
      {
        QUS_HOST_MACHINE: "ia64",
      },
    );
    expect(result.stderr).toContain('set "hostCpu" in the config');
  });

  it("skips i486 on an i386-class host, even with hostFamily: its emulator is the host's own", async () => {
    await writeConfig(baseConfig(dir, { targets: [{ name: "i486", hostFamily: true }] }));
    const plan = await qus(["plan"], { QUS_HOST_MACHINE: "i686" });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(
      /Skipped i486: i486 runs on qemu-i386, the emulator of this host's own CPU \(i686\)/,
    );
    expect(plan.stdout).not.toMatch(/\+ registration/);
  });
});

describe("leftovers of a killed run", () => {
  it("apply removes old .qus-tmp-* files in installDir and the state directory, nothing else", async () => {
    const installDir = join(dir, "emulators");
    const stateDir = join(dir, "state");
    await mkdir(installDir);
    await mkdir(stateDir);
    const old = new Date(Date.now() - 60_000);
    const leftovers = [
      join(installDir, ".qus-tmp-qemu-aarch64-0123456789ab"),
      join(stateDir, ".qus-tmp-state.json-a1b2c3d4e5f6"),
    ];
    const kept = [
      join(installDir, ".qus-tmp-notours"),
      join(installDir, "unrelated"),
      join(stateDir, "notes.txt"),
    ];
    for (const path of [...leftovers, ...kept]) {
      await writeFile(path, "partial");
      await utimes(path, old, old);
    }
    const before = await Promise.all(kept.map(fingerprint));
    await writeConfig(baseConfig(dir, { targets: ["aarch64"] }));
    const apply = await qus(APPLY);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stderr).toContain(
      `Removed temp files an interrupted run left: ${leftovers.join(", ")}`,
    );
    for (const path of leftovers) await expect(stat(path)).rejects.toThrow(/ENOENT/);
    expect(await Promise.all(kept.map(fingerprint))).toEqual(before);
  });
});
