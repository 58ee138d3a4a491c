// The host's CPU, normalised from `uname -m` to a QEMU target the way QEMU's qemu-binfmt-conf.sh
// does (and further: Linux's own names for PA-RISC, OpenRISC, SuperH, MIPS, Xtensa, MicroBlaze,
// whose endianness uname does not say), so that qus never registers a handler for the host's own
// executables: that makes every native exec loop through QEMU. An unknown name is refused.
import { QusError } from "../errors.js";
import { findTarget } from "./targets.js";

/** The host's CPU: its `uname -m` name, the target it is, and that target's family. */
export interface HostCpu {
  readonly machine: string;
  /** Canonical target name of the host CPU (x86_64, aarch64, arm, ppc64le...). */
  readonly target: string;
  readonly family: string;
}

/** Byte order of the host (os.endianness()): decides mips/mipsel, sh4/sh4eb and the like. */
export type Endianness = "LE" | "BE";

/** Names mapped one to one: Linux `uname -m` spellings and Debian architecture names. */
const MACHINE_TARGETS: ReadonlyMap<string, string> = new Map([
  ["amd64", "x86_64"],
  ["x86_64", "x86_64"],
  ["arm64", "aarch64"],
  ["aarch64", "aarch64"],
  ["aarch64_be", "aarch64_be"],
  ["arm", "arm"],
  ["armeb", "armeb"],
  ["armel", "arm"],
  ["armhf", "arm"],
  ["powerpc", "ppc"],
  ["ppc", "ppc"],
  ["ppc64", "ppc64"],
  ["ppc64le", "ppc64le"],
  ["ppc64el", "ppc64le"],
  ["s390x", "s390x"],
  ["riscv32", "riscv32"],
  ["riscv64", "riscv64"],
  ["loongarch64", "loongarch64"],
  ["loong64", "loongarch64"],
  ["sparc", "sparc"],
  ["sparc32plus", "sparc32plus"],
  ["sparc64", "sparc64"],
  ["alpha", "alpha"],
  ["m68k", "m68k"],
  ["parisc", "hppa"],
  ["parisc64", "hppa"],
  ["hppa", "hppa"],
  ["openrisc", "or1k"],
  ["or1k", "or1k"],
  ["hexagon", "hexagon"],
  ["mipsel", "mipsel"],
  ["mips64el", "mips64el"],
  ["sh4eb", "sh4eb"],
  ["xtensaeb", "xtensaeb"],
  ["microblazeel", "microblazeel"],
]);

/** Linux prints one name for both byte orders of these: [little-endian target, big-endian target]. */
const BY_ENDIANNESS: ReadonlyMap<string, readonly [string, string]> = new Map([
  ["mips", ["mipsel", "mips"]],
  ["mips64", ["mips64el", "mips64"]],
  ["xtensa", ["xtensa", "xtensaeb"]],
  ["microblaze", ["microblazeel", "microblaze"]],
]);

/** Maps a `uname -m` or Debian architecture name to a QEMU target name; null when unknown. */
export function normaliseMachine(machine: string, endianness: Endianness = "LE"): string | null {
  const m = machine.toLowerCase();
  if (/^i[3-6]86$/.test(m)) return "i386";
  if (/^armv[4-9].*l$/.test(m)) return "arm";
  if (/^armv[4-9].*b$/.test(m)) return "armeb";
  // SuperH: Linux says sh, sh4, sh4a (the kernel's byte order decides), or sh4eb/sh4aeb.
  if (/^sh[34]?a?eb$/.test(m)) return "sh4eb";
  if (/^sh[34]?a?$/.test(m)) return endianness === "LE" ? "sh4" : "sh4eb";
  const pair = BY_ENDIANNESS.get(m);
  if (pair !== undefined) return endianness === "LE" ? pair[0] : pair[1];
  // A catalog name as such (mipsn32, sparc32plus...): what a declared hostCpu or a test names.
  return MACHINE_TARGETS.get(m) ?? findTarget(m)?.name ?? null;
}

/**
 * Describes the host CPU from its `uname -m` name (os.machine()). `declared` (the config's
 * hostCpu, a catalog target) wins; an unknown machine without it is refused, since registering
 * the host's own CPU would route every native program through QEMU.
 */
export function describeHost(
  machine: string,
  endianness: Endianness = "LE",
  declared?: string,
): HostCpu {
  const target = declared ?? normaliseMachine(machine, endianness);
  const info = target === null ? undefined : findTarget(target);
  if (target === null || info === undefined) {
    throw new QusError(
      `qus does not know this host's CPU: uname -m says ${JSON.stringify(machine)}, which is none of the CPUs QEMU emulates, so qus cannot tell which targets this host runs natively`,
      {
        hint: `set "hostCpu" in the config to the QEMU target this host runs natively (e.g. "hostCpu": "hppa"); qus then never registers it or its family`,
      },
    );
  }
  return { machine, target: info.name, family: info.family };
}
