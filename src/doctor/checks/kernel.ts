// Kernel checks: the version, binfmt_misc support, and private binfmt_misc instances per user
// namespace (what qus run needs), proved by the experiment rather than guessed from the version.
import { error, ok, warning, type Finding } from "../finding.js";
import { NO_PRIVATE_INSTANCE_FIX, noPrivateInstanceMessage } from "../conditions.js";
import type { HostProbe, NamespaceTrial } from "../probe.js";

/** The first version with a binfmt_misc instance per user namespace. */
const PRIVATE_INSTANCES_SINCE: readonly [number, number] = [6, 7];

/** `6.18.44-fc` → [6, 18]; null when the text is not a kernel release. */
export function kernelVersion(release: string): [number, number] | null {
  const match = /^(\d+)\.(\d+)/.exec(release);
  return match === null ? null : [Number(match[1]), Number(match[2])];
}

/** Whether this release has private binfmt_misc instances (null when it cannot tell). */
export function hasPrivateInstances(release: string | null): boolean | null {
  const version = release === null ? null : kernelVersion(release);
  if (version === null) return null;
  const [major, minor] = version;
  const [wantMajor, wantMinor] = PRIVATE_INSTANCES_SINCE;
  return major > wantMajor || (major === wantMajor && minor >= wantMinor);
}

/** The kernel release (`uname -r`), trimmed; null when /proc is not readable. */
export async function kernelRelease(probe: HostProbe): Promise<string | null> {
  return (await probe.readText("/proc/sys/kernel/osrelease"))?.trim() || null;
}

/** The version line and whether binfmt_misc is available. */
export async function checkKernel(probe: HostProbe): Promise<Finding[]> {
  const release = await kernelRelease(probe);
  const findings: Finding[] = [];
  if (release === null) {
    findings.push(
      warning("kernel.version", "kernel", "cannot read /proc/sys/kernel/osrelease", "mount /proc"),
    );
  } else {
    const privateInstances = hasPrivateInstances(release);
    findings.push(
      privateInstances === false
        ? warning(
            "kernel.version",
            "kernel",
            `Linux ${release}: before 6.7, so binfmt_misc has one instance for the whole machine and qus run cannot work`,
            NO_PRIVATE_INSTANCE_FIX,
          )
        : ok(
            "kernel.version",
            "kernel",
            `Linux ${release}: binfmt_misc per user namespace (6.7 and later) lets qus run work without root`,
          ),
    );
  }
  findings.push(await checkBinfmtSupport(probe, release));
  return findings;
}

async function checkBinfmtSupport(probe: HostProbe, release: string | null): Promise<Finding> {
  const subject = "kernel";
  const filesystems = await probe.readText("/proc/filesystems");
  if (filesystems === null)
    return warning("kernel.binfmt-misc", subject, "cannot read /proc/filesystems", "mount /proc");
  if (/^nodev\s+binfmt_misc$/m.test(filesystems))
    return ok("kernel.binfmt-misc", subject, "binfmt_misc is available");
  const module =
    release !== null &&
    ((await probe.list(`/lib/modules/${release}/kernel/fs`)) ?? []).some((n) =>
      n.startsWith("binfmt_misc.ko"),
    );
  return module
    ? warning(
        "kernel.binfmt-misc-module",
        subject,
        "binfmt_misc is a module that is not loaded yet (mounting it loads it)",
        "as root: modprobe binfmt_misc (qus apply mounts it, which loads it)",
      )
    : error(
        "kernel.no-binfmt-misc",
        subject,
        "this kernel has no binfmt_misc (it is not in /proc/filesystems and no module was found): no emulation can be registered",
        "a kernel built with CONFIG_BINFMT_MISC, or: modprobe binfmt_misc if the module lives elsewhere",
      );
}

/** What the throwaway-namespace experiment proved about private instances. */
export function privateInstanceFinding(
  trial: NamespaceTrial,
  release: string | null,
): Finding | null {
  const id = "kernel.private-instance";
  const subject = "kernel";
  switch (trial.kind) {
    case "private-instance":
      return ok(
        id,
        subject,
        "proved: a throwaway user namespace mounted its own, empty binfmt_misc",
      );
    case "no-mount":
      return warning(
        id,
        subject,
        `${noPrivateInstanceMessage(release)}${trial.detail === "" ? "" : ` (mount said: ${trial.detail})`}`,
        NO_PRIVATE_INSTANCE_FIX,
      );
    case "shared-instance":
      return warning(
        id,
        subject,
        `a new user namespace did not get a private binfmt_misc: ${trial.detail}`,
        NO_PRIVATE_INSTANCE_FIX,
      );
    default:
      return null; // no namespace: the privilege check names the reason
  }
}
