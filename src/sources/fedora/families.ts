// Which Fedora subpackage holds which emulator. Since qemu 7.0.0-5 (F37) Fedora splits the static
// emulators by target family into `qemu-user-static-<family>` (`qemu-user-static` itself is an
// empty meta-package), each holding `/usr/bin/qemu-<target>-static`. Pure.

/** Fedora's family subpackages and the targets each holds (from Fedora's qemu.spec). */
export const FEDORA_FAMILIES: Readonly<Record<string, readonly string[]>> = {
  aarch64: ["aarch64", "aarch64_be"],
  alpha: ["alpha"],
  arm: ["arm", "armeb"],
  hexagon: ["hexagon"],
  hppa: ["hppa"],
  loongarch64: ["loongarch64"],
  m68k: ["m68k"],
  microblaze: ["microblaze", "microblazeel"],
  mips: ["mips", "mipsel", "mips64", "mips64el", "mipsn32", "mipsn32el"],
  or1k: ["or1k"],
  ppc: ["ppc", "ppc64", "ppc64le"],
  riscv: ["riscv32", "riscv64"],
  s390x: ["s390x"],
  sh4: ["sh4", "sh4eb"],
  sparc: ["sparc", "sparc32plus", "sparc64"],
  x86: ["i386", "x86_64"],
  xtensa: ["xtensa", "xtensaeb"],
};

const PACKAGE_PREFIX = "qemu-user-static-";

const FAMILY_OF_TARGET: ReadonlyMap<string, string> = new Map(
  Object.entries(FEDORA_FAMILIES).flatMap(([family, targets]) =>
    targets.map((target) => [target, family] as const),
  ),
);

/** The subpackage holding emulator program `emulator` (qemu-ppc64le -> qemu-user-static-ppc); null if none. */
export function fedoraPackageFor(emulator: string): string | null {
  const family = FAMILY_OF_TARGET.get(emulator.replace(/^qemu-/, ""));
  return family === undefined ? null : `${PACKAGE_PREFIX}${family}`;
}

/** The path of an emulator inside its package's payload, without the leading "./". */
export function fedoraMemberPath(emulator: string): string {
  return `usr/bin/${emulator}-static`;
}

/** Fedora's architecture name for the host (x86_64, aarch64, ppc64le, s390x); null when Fedora builds none. */
export function fedoraArchitecture(hostTarget: string): string | null {
  return ["x86_64", "aarch64", "ppc64le", "s390x"].includes(hostTarget) ? hostTarget : null;
}
