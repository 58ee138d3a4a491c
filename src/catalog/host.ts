// The host's CPU, normalised the way QEMU's qemu-binfmt-conf.sh does, so that qus never
// registers a handler for the host's own executables (that can make every exec loop).
import { findTarget } from "./targets.js";

/** The host's CPU: its `uname -m` name, the target it is, and that target's family. */
export interface HostCpu {
  readonly machine: string;
  /** Canonical target name of the host CPU (x86_64, aarch64, arm, ppc64le...). */
  readonly target: string;
  readonly family: string;
}

/** Maps a `uname -m` or Debian architecture name to QEMU's canonical target name. */
export function normaliseMachine(machine: string): string {
  const m = machine.toLowerCase();
  if (/^i[3-6]86$/.test(m)) return "i386";
  if (m === "amd64") return "x86_64";
  if (m === "powerpc") return "ppc";
  if (m === "ppc64el") return "ppc64le";
  if (m === "arm64") return "aarch64";
  if (m === "armel" || m === "armhf" || /^armv[4-9].*l$/.test(m)) return "arm";
  if (/^armv[4-9].*b$/.test(m)) return "armeb";
  return m;
}

/** Describes a host CPU from its `uname -m` machine name (os.machine()). */
export function describeHost(machine: string): HostCpu {
  const target = normaliseMachine(machine);
  return { machine, target, family: findTarget(target)?.family ?? target };
}
