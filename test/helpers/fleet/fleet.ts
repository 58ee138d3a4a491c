// A fleet of SSH hosts on this machine for Ansible tests: each host has its own namespaces,
// binfmt_misc and sshd (host.ts), all reached by ssh through one ssh_config (ssh.ts). The fleet
// starts and stops everything itself and can prove that nothing is left running.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { type FleetHost, makeHostDir, OVERLAID, startHost } from "./host.js";
import { inventory, makeKey, sshdConfig, type Vars, writeClientConfig } from "./ssh.js";

const run = promisify(execFile);

/** A running fleet. */
export interface Fleet {
  readonly dir: string;
  readonly hosts: readonly FleetHost[];
  readonly sshConfig: string;
  /** Writes the inventory (group vars, and vars per host) and returns its path. */
  writeInventory(groupVars?: Vars, hostVars?: Record<string, Vars>): Promise<string>;
  /** Runs a shell command on a host over ssh. */
  ssh(host: string, command: string): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Files a host wrote into its overlays (paths like `etc/qus/qus.config.yaml`). */
  written(host: string): Promise<string[]>;
  /** The names in a host's binfmt_misc (besides `register` and `status`). */
  binfmtEntries(host: string): Promise<string[]>;
  /** Stops every host; then lists processes still tied to the fleet (expected: none). */
  stop(): Promise<string[]>;
}

/** Starts hosts with these names (in parallel). */
export async function startFleet(names: readonly string[]): Promise<Fleet> {
  const dir = await mkdtemp(join(tmpdir(), "qus-fleet-"));
  await mkdir(join(dir, "cp"));
  await writeFile(
    join(dir, "authorized_keys"),
    `${await makeKey(join(dir, "id_ed25519"), "fleet")}\n`,
  );
  const hostKeys = new Map<string, string>();
  const started = await Promise.allSettled(
    names.map(async (name) => {
      const hostDir = join(dir, name);
      await makeHostDir(hostDir);
      hostKeys.set(name, await makeKey(join(hostDir, "ssh_host_ed25519_key"), name));
      await writeFile(join(hostDir, "sshd_config"), sshdConfig(hostDir, dir));
      return startHost(name, hostDir);
    }),
  );
  const hosts = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const failed = started.find((r) => r.status === "rejected");
  if (failed !== undefined) {
    await Promise.all(hosts.map((host) => host.stop()));
    await rm(dir, { recursive: true, force: true });
    throw (failed as PromiseRejectedResult).reason;
  }
  const sshConfig = await writeClientConfig(dir, hosts, hostKeys);
  const byName = (name: string): FleetHost => {
    const host = hosts.find((h) => h.name === name);
    if (host === undefined) throw new Error(`no fleet host ${name}`);
    return host;
  };
  return {
    dir,
    hosts,
    sshConfig,
    async writeInventory(groupVars = {}, hostVars = {}) {
      const path = join(dir, "inventory.yml");
      await writeFile(path, inventory(dir, names, hostVars, groupVars));
      return path;
    },
    async ssh(host, command) {
      try {
        const { stdout, stderr } = await run("ssh", ["-F", sshConfig, host, command], {
          timeout: 30_000,
        });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const e = error as { code?: number; stdout?: string; stderr?: string };
        return {
          code: typeof e.code === "number" ? e.code : 255,
          stdout: e.stdout ?? "",
          stderr: e.stderr ?? "",
        };
      }
    },
    written: async (host) => listFiles(join(byName(host).dir, "upper")),
    async binfmtEntries(host) {
      const names = await readdir(`/proc/${byName(host).init}/root/proc/sys/fs/binfmt_misc`);
      return names.filter((n) => n !== "register" && n !== "status").sort();
    },
    async stop() {
      const netns = new Set(hosts.map((host) => host.netns));
      await Promise.all(hosts.map((host) => host.stop()));
      // socat bridges and Ansible's ssh masters end once sshd is gone; give them a moment.
      let left: string[] = [];
      for (let i = 0; i < 50; i++) {
        left = await leftovers(dir, netns);
        if (left.length === 0) break;
        await sleep(100);
      }
      await rm(dir, { recursive: true, force: true });
      return left;
    },
  };
}

// Live (not zombie) processes inside a host's network namespace or naming the fleet directory.
async function leftovers(dir: string, netns: ReadonlySet<string>): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8");
      if (/\) Z /.test(stat)) continue;
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8")).replaceAll("\0", " ");
      const net = await readlink(`/proc/${pid}/ns/net`);
      if (netns.has(net) || cmdline.includes(dir)) found.push(`${pid} ${cmdline.trim()}`);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const top of OVERLAID) {
    const base = join(root, top);
    const entries = await readdir(base, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const entry of entries)
      if (!entry.isDirectory()) out.push(relative(root, join(entry.parentPath, entry.name)));
  }
  return out.sort();
}
