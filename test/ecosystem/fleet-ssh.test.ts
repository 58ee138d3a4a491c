// The qus.binfmt collection over real SSH: three hosts on loopback, each with its own user,
// mount, network and PID namespaces, private binfmt_misc and sshd, converged by ansible-playbook
// with examples/ansible/site.yml (the qus.binfmt.qus role) through an inventory. The collection
// is built with ansible-galaxy and installed like a user would; qus comes from the release.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Fleet, startFleet } from "../helpers/fleet/fleet.js";
import { foreignBusybox, projectRoot, requireFixtures } from "../helpers/fixtures.js";
import { generationDir } from "../helpers/generations.js";
import { qusRelease, type QusRelease } from "../helpers/qus-release.js";

const HOSTS = ["h1", "h2", "h3"];
const SITE = join(projectRoot, "examples", "ansible", "site.yml");
let fleet: Fleet;
let release: QusRelease;
let collections: string;

// Builds the collection with ansible-galaxy and installs the tarball into the fleet directory.
function installCollection(into: string): string {
  const built = join(into, "built");
  const env = { ...process.env, ANSIBLE_COLLECTIONS_PATH: join(into, "collections") };
  const run = (args: string[]) =>
    execFileSync("ansible-galaxy", args, {
      cwd: projectRoot,
      env,
      encoding: "utf8",
      timeout: 60_000,
    });
  run(["collection", "build", "ansible_collections/qus/binfmt", "--output-path", built]);
  const tarball = join(built, `qus-binfmt-${release.version}.tar.gz`);
  run(["collection", "install", tarball, "-p", join(into, "collections")]);
  return join(into, "collections");
}

interface Recap {
  readonly ok: number;
  readonly changed: number;
  readonly failed: number;
}

async function playbook(...extra: string[]) {
  const env = {
    PATH: "/usr/bin:/bin:/usr/sbin:/sbin",
    HOME: fleet.dir,
    ANSIBLE_COLLECTIONS_PATH: collections,
    ANSIBLE_LOCAL_TEMP: join(fleet.dir, "ansible-local"),
    ANSIBLE_NOCOLOR: "1",
    ANSIBLE_RETRY_FILES_ENABLED: "0",
    ANSIBLE_HOST_KEY_CHECKING: "1",
    ANSIBLE_FORKS: "3",
  };
  const { code, stdout, stderr } = await new Promise<{
    code: number;
    stdout: string;
    stderr: string;
  }>((resolve, reject) => {
    const child = spawn(
      "ansible-playbook",
      ["-i", join(fleet.dir, "inventory.yml"), SITE, ...extra],
      {
        cwd: fleet.dir,
        env,
      },
    );
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (err += c));
    child.once("error", reject);
    child.once("close", (c) => resolve({ code: c ?? 1, stdout: out, stderr: err }));
  });
  const recap: Record<string, Recap> = {};
  for (const m of stdout.matchAll(
    /^(h\d)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)/gm,
  ))
    recap[m[1]!] = { ok: Number(m[2]), changed: Number(m[3]), failed: Number(m[4]) };
  if (Object.keys(recap).length !== HOSTS.length)
    throw new Error(`no full PLAY RECAP (exit ${code}):\n${stdout}\n${stderr}`);
  return { code, stdout, stderr, recap };
}

function groupVars(): Record<string, unknown> {
  return {
    qus_release_dir: release.dir,
    qus_install: "deb", // the release's .deb, as on any Debian host
    qus_version: release.version,
    qus_targets: ["aarch64"],
    // A current QEMU (trixie-backports' 11.1), verified with the guest-compatibility probes: an
    // emulator without openat2 would fail every host.
    qus_source: { type: "local", path: generationDir("trixie-backports") },
    qus_probes: true,
  };
}

const busyboxOn = (host: string) => fleet.ssh(host, `${foreignBusybox()} uname -m`);

beforeAll(async () => {
  requireFixtures();
  release = await qusRelease(); // first: a fresh build takes minutes, the fleet need not wait
  fleet = await startFleet(HOSTS);
  mkdirSync(join(fleet.dir, "ansible-local"));
  collections = installCollection(fleet.dir);
  await fleet.writeInventory(groupVars());
}, 30 * 60_000);

afterAll(async () => {
  if (fleet === undefined) return;
  expect(await fleet.stop()).toEqual([]);
}, 30_000);

describe("qus.binfmt over SSH on three hosts", () => {
  it("--check on fresh hosts reports the install and writes nothing", {
    timeout: 120_000,
  }, async () => {
    const check = await playbook("--check", "--diff");
    expect(check.code).toBe(0);
    for (const host of HOSTS) {
      expect(check.recap[host]).toMatchObject({ failed: 0 });
      expect(check.recap[host]!.changed).toBeGreaterThan(0);
      expect(await fleet.binfmtEntries(host)).toEqual([]);
      expect(await writtenBy(host)).toEqual([]);
      expect((await busyboxOn(host)).code).not.toBe(0);
    }
  });

  it("the first run changes every host and the arm64 busybox runs on each; the second changes nothing", {
    timeout: 180_000,
  }, async () => {
    const first = await playbook();
    expect(first.code).toBe(0);
    for (const host of HOSTS) {
      expect(first.recap[host]).toMatchObject({ failed: 0 });
      expect(first.recap[host]!.changed).toBeGreaterThan(0);
      expect(await fleet.binfmtEntries(host)).toEqual(["qemu-aarch64"]);
      expect(await busyboxOn(host)).toMatchObject({ code: 0, stdout: "aarch64\n" });
      expect(await fleet.written(host)).toContain("etc/qus/qus.config.yaml");
    }
    const second = await playbook();
    expect(second.code).toBe(0);
    for (const host of HOSTS) expect(second.recap[host]).toMatchObject({ changed: 0, failed: 0 });
  });

  it("--check --diff shows the plan of a new target and writes nothing", {
    timeout: 120_000,
  }, async () => {
    const before = await Promise.all(HOSTS.map(stamps));
    const check = await playbook(
      "--check",
      "--diff",
      "-e",
      '{"qus_targets": ["aarch64", "riscv64"]}',
    );
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('+ registration "qemu-riscv64"');
    for (const [i, host] of HOSTS.entries()) {
      expect(check.recap[host]).toMatchObject({ changed: 1, failed: 0 });
      expect(await fleet.binfmtEntries(host)).toEqual(["qemu-aarch64"]);
      expect(await stamps(host)).toEqual(before[i]);
    }
  });

  it("a host given a broken source fails alone; the others converge", {
    timeout: 120_000,
  }, async () => {
    await fleet.writeInventory(groupVars(), {
      h3: { qus_source: { type: "local", path: "/nonexistent/qemu" } },
    });
    const run = await playbook("-e", '{"qus_targets": ["aarch64", "riscv64"]}');
    expect(run.code).not.toBe(0);
    expect(run.recap.h3).toMatchObject({ failed: 1 });
    expect(run.stdout).toContain("/nonexistent/qemu");
    for (const host of ["h1", "h2"]) {
      expect(run.recap[host]).toMatchObject({ failed: 0, changed: 1 });
      expect(await fleet.binfmtEntries(host)).toEqual(["qemu-aarch64", "qemu-riscv64"]);
    }
    expect(await fleet.binfmtEntries("h3")).toEqual(["qemu-aarch64"]);
  });
});

// Each written file with its size and modification time: equal lists mean nothing was written.
// Except the download cache (/var/cache/qus), the one place a plan may write.
async function stamps(host: string): Promise<string[]> {
  const upper = join(fleet.hosts.find((h) => h.name === host)!.dir, "upper");
  const files = await writtenBy(host);
  return Promise.all(
    files
      .filter((path) => !path.startsWith("var/cache/qus/"))
      .map(async (path) => {
        const info = await stat(join(upper, path));
        return `${path} ${info.size} ${info.mtimeMs}`;
      }),
  );
}

// Every file a host wrote into its overlays, except the rpm database files that Ansible's fact
// gathering touches when it probes for package managers (Ansible's temporary files are removed).
async function writtenBy(host: string): Promise<string[]> {
  return (await fleet.written(host)).filter((path) => !path.startsWith("root/.rpmdb/"));
}
