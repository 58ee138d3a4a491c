// Small facts several checks need, read through the probe: the mount table, the process's
// capabilities, the user namespace settings, and the state of the binfmt_misc mount point.
import { parseMountInfo, topMountAt, mountsAt, type MountInfo } from "../kernel/mountinfo.js";
import { USERNS_SETTINGS, type UsernsSettings } from "./conditions.js";
import { BINFMT_DIR, type HostProbe } from "./probe.js";

/** CAP_SYS_ADMIN's bit in /proc/self/status's CapEff mask: needed to mount. */
const CAP_SYS_ADMIN = 21n;

/** What is at /proc/sys/fs/binfmt_misc. */
export type BinfmtMountState =
  /** binfmt_misc is mounted there (`viaAutomount`: systemd's automount mounted it). */
  | { readonly kind: "mounted"; readonly viaAutomount: boolean }
  /** An automount point not triggered yet: the first access mounts it. */
  | { readonly kind: "automount" }
  /** Not mounted (`covered`: another file system is mounted there, e.g. a container's tmpfs). */
  | { readonly kind: "unmounted"; readonly covered: string | null };

/** The mounts this process sees. */
export async function readMounts(probe: HostProbe): Promise<MountInfo[]> {
  return parseMountInfo((await probe.readText("/proc/self/mountinfo")) ?? "");
}

/** The state of the binfmt_misc mount point, from the mount table alone (never touching it). */
export function binfmtMountState(mounts: readonly MountInfo[]): BinfmtMountState {
  const stack = mountsAt(mounts, BINFMT_DIR);
  const top = stack.at(-1);
  if (top?.fsType === "binfmt_misc")
    return { kind: "mounted", viaAutomount: stack.some((m) => m.fsType === "autofs") };
  if (top?.fsType === "autofs") return { kind: "automount" };
  return { kind: "unmounted", covered: top?.fsType ?? null };
}

/** Whether /proc/sys is mounted read-only (the usual container default). */
export function procSysReadOnly(mounts: readonly MountInfo[]): boolean {
  return topMountAt(mounts, "/proc/sys")?.options.includes("ro") ?? false;
}

/** Whether this process holds CAP_SYS_ADMIN (null when /proc/self/status cannot say). */
export async function hasCapSysAdmin(probe: HostProbe): Promise<boolean | null> {
  const status = await probe.readText("/proc/self/status");
  const match = status === null ? null : /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
  if (match === null || match === undefined) return null;
  return ((BigInt(`0x${match[1]}`) >> CAP_SYS_ADMIN) & 1n) === 1n;
}

/** The user namespace sysctls as this process reads them. */
export async function readUsernsSettings(probe: HostProbe): Promise<UsernsSettings> {
  const read = async (key: keyof typeof USERNS_SETTINGS) =>
    (await probe.readText(USERNS_SETTINGS[key].path))?.trim() ?? null;
  return {
    maxUserNamespaces: await read("maxUserNamespaces"),
    unprivilegedClone: await read("unprivilegedClone"),
    apparmorRestrict: await read("apparmorRestrict"),
  };
}

/** Whether this process is in the machine's initial user namespace (its uid_map maps every uid to itself). */
export async function inInitialUserNamespace(probe: HostProbe): Promise<boolean> {
  const map = (await probe.readText("/proc/self/uid_map"))?.trim().split(/\s+/);
  if (map === undefined) return true;
  return map.length === 3 && map[0] === "0" && map[1] === "0" && map[2] === "4294967295";
}
