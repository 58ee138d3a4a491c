// The SSH side of a fleet: a client key, one host key per host, each host's sshd_config, the
// client's ssh_config (reaching host N through a socat bridge inside its network namespace) and
// the known_hosts file, so ansible-playbook connects with plain ssh and strict host keys.
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Makes an ed25519 key pair without a passphrase; returns the public key line. */
export async function makeKey(path: string, comment: string): Promise<string> {
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path]);
  return (await readFile(`${path}.pub`, "utf8")).trim();
}

/** sshd_config of one host: loopback of its own network namespace, key logins only. */
export function sshdConfig(hostDir: string, fleetDir: string): string {
  return [
    "ListenAddress 127.0.0.1:22",
    `HostKey ${hostDir}/ssh_host_ed25519_key`,
    `PidFile ${hostDir}/sshd.pid`,
    `AuthorizedKeysFile ${fleetDir}/authorized_keys`,
    // The key files live under /tmp (mode 1777), which StrictModes rejects.
    "StrictModes no",
    "UsePAM no",
    "PermitRootLogin prohibit-password",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "PrintMotd no",
    "PrintLastLog no",
    "UseDNS no",
    // Ansible copies files by sftp.
    "Subsystem sftp internal-sftp",
    "",
  ].join("\n");
}

/** One host as the client reaches it: its name and the PID whose network namespace it uses. */
export interface SshTarget {
  readonly name: string;
  readonly init: number;
}

/** Writes ssh_config and known_hosts for the client; returns the ssh_config path. */
export async function writeClientConfig(
  fleetDir: string,
  hosts: readonly SshTarget[],
  hostKeys: ReadonlyMap<string, string>,
): Promise<string> {
  const perHost = hosts.flatMap((host) => [
    `Host ${host.name}`,
    "  HostName 127.0.0.1",
    `  HostKeyAlias ${host.name}`,
    `  ProxyCommand /usr/bin/nsenter --net=/proc/${host.init}/ns/net /usr/bin/socat STDIO TCP:%h:%p`,
  ]);
  const common = [
    "Host *",
    "  User root",
    `  IdentityFile ${fleetDir}/id_ed25519`,
    "  IdentitiesOnly yes",
    `  UserKnownHostsFile ${fleetDir}/known_hosts`,
    "  StrictHostKeyChecking yes",
    "  BatchMode yes",
    "  ConnectTimeout 10",
  ];
  const path = join(fleetDir, "ssh_config");
  await writeFile(path, `${[...perHost, ...common].join("\n")}\n`);
  const known = hosts.map((host) => {
    const [type, key] = (hostKeys.get(host.name) ?? "").split(" ");
    return `${host.name} ${type} ${key}`;
  });
  await writeFile(join(fleetDir, "known_hosts"), `${known.join("\n")}\n`);
  return path;
}

/** Variables per host or for the whole group. */
export type Vars = Readonly<Record<string, unknown>>;

/** A YAML inventory (written as JSON, which YAML reads) of the hosts, reached with ssh. */
export function inventory(
  fleetDir: string,
  names: readonly string[],
  hostVars: Readonly<Record<string, Vars>> = {},
  groupVars: Vars = {},
): string {
  const vars = {
    ansible_connection: "ssh",
    ansible_user: "root",
    ansible_ssh_common_args: `-F ${fleetDir}/ssh_config`,
    // Ansible's ControlPersist masters are keyed by host name: one directory per fleet.
    ansible_control_path_dir: `${fleetDir}/cp`,
    ansible_python_interpreter: "/usr/bin/python3",
    // One ssh round trip per task instead of an sftp upload, then a run.
    ansible_pipelining: true,
    ...groupVars,
  };
  const hosts = Object.fromEntries(names.map((name) => [name, hostVars[name] ?? {}]));
  return `${JSON.stringify({ all: { children: { fleet: { hosts, vars } } } }, null, 2)}\n`;
}
