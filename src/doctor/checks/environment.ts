// The environment qus runs in: a container (whose binfmt_misc is the host's, or its own user
// namespace's), WSL (which flushes entries when the distribution stops), SELinux enforcing (the
// Fedora caveat: a container may not use an emulator that lives in another container).
import { ok, warning, type Finding } from "../finding.js";
import type { HostProbe } from "../probe.js";

/** What the environment checks read. */
export interface EnvironmentFacts {
  /** docker, podman, kubernetes, lxc, a container of unknown kind, or null when none was seen. */
  readonly container: string | null;
  readonly initialUserNamespace: boolean;
  readonly wsl: boolean;
  readonly selinuxEnforcing: boolean;
}

/** Reads the hints: /run/.containerenv, /.dockerenv, /proc/1/cgroup, osrelease, WSLInterop, SELinux. */
export async function readEnvironmentFacts(
  probe: HostProbe,
  initialUserNamespace: boolean,
  entryNames: readonly string[],
): Promise<EnvironmentFacts> {
  const release = (await probe.readText("/proc/sys/kernel/osrelease")) ?? "";
  return {
    container: await containerKind(probe),
    initialUserNamespace,
    wsl: /microsoft|wsl/i.test(release) || entryNames.includes("WSLInterop"),
    selinuxEnforcing: (await probe.readText("/sys/fs/selinux/enforce"))?.trim() === "1",
  };
}

async function containerKind(probe: HostProbe): Promise<string | null> {
  if (await probe.exists("/run/.containerenv")) return "podman";
  if (await probe.exists("/.dockerenv")) return "docker";
  const cgroup = (await probe.readText("/proc/1/cgroup")) ?? "";
  if (/kubepods/.test(cgroup)) return "kubernetes";
  if (/docker|containerd/.test(cgroup)) return "docker";
  if (/lxc/.test(cgroup)) return "lxc";
  const marker = probe.env.container;
  return marker !== undefined && marker !== "" ? marker : null;
}

/** One finding per notable trait, or one ok line when there is none. */
export function checkEnvironment(facts: EnvironmentFacts): Finding[] {
  const subject = "environment";
  const findings: Finding[] = [];
  if (facts.container !== null) {
    findings.push(
      warning(
        "environment.container",
        subject,
        facts.initialUserNamespace
          ? `inside a container (${facts.container}) without a user namespace of its own: its binfmt_misc is the host's, shared with everything on it, and the host's boot decides what is registered after a reboot`
          : `inside a container (${facts.container}), in a user namespace: a binfmt_misc mounted here is private to that namespace (Linux 6.7+)`,
        "to change the host's emulation, run qus on the host or in a --privileged container; for this container only, qus run",
      ),
    );
  }
  if (!facts.initialUserNamespace && facts.container === null) {
    findings.push(
      ok(
        "environment.user-namespace",
        subject,
        "inside a user namespace: a binfmt_misc mounted here is private to it and vanishes with it (nothing persists)",
      ),
    );
  }
  if (facts.wsl) {
    findings.push(
      warning(
        "environment.wsl",
        subject,
        "WSL: entries are flushed when the distribution stops (wsl --shutdown); qus leaves WSLInterop alone",
        'apply at each start: [boot] command = "qus apply --auto-approve" in /etc/wsl.conf',
      ),
    );
  }
  if (facts.selinuxEnforcing) {
    findings.push(
      warning(
        "environment.selinux",
        subject,
        "SELinux is enforcing: a container is usually refused an emulator that lives in another container",
        "register static emulators with F from the host (qus apply); otherwise start the emulated container with --security-opt label=disable",
      ),
    );
  }
  if (findings.length === 0)
    findings.push(
      ok("environment.plain", subject, "not in a container, not WSL, SELinux not enforcing"),
    );
  return findings;
}
