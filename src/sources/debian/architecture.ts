// The Debian architecture whose packages run on this host: emulators are host programs, so
// qus downloads `binary-<host arch>` whatever targets they emulate. Pure.
import type { HostCpu } from "../../catalog/host.js";
import { SourceError } from "../../errors.js";

const DEBIAN_ARCHITECTURES: ReadonlyMap<string, string> = new Map([
  ["x86_64", "amd64"],
  ["aarch64", "arm64"],
  ["arm", "armhf"],
  ["i386", "i386"],
  ["ppc64le", "ppc64el"],
  ["s390x", "s390x"],
  ["riscv64", "riscv64"],
  ["mips64el", "mips64el"],
  ["mipsel", "mipsel"],
  ["loongarch64", "loong64"],
]);

/** Debian's name for the host's architecture (amd64, arm64, armhf...); SourceError when Debian has none. */
export function debianArchitecture(host: HostCpu): string {
  const architecture = DEBIAN_ARCHITECTURES.get(host.target);
  if (architecture === undefined) {
    throw new SourceError(`Debian publishes no packages for this host's CPU (${host.machine})`, {
      hint: `use a local source with emulators built for ${host.machine}`,
    });
  }
  return architecture;
}
