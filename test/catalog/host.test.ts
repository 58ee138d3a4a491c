// The host's CPU family decides which targets qus must never register (a handler for the host's
// own executables can make every exec loop). Normalisation follows QEMU's qemu-binfmt-conf.sh.
import { describe, expect, it } from "vitest";
import { describeHost, normaliseMachine } from "../../src/catalog/host.js";
import { TARGETS } from "../../src/catalog/targets.js";
import type { QusError } from "../../src/errors.js";

describe("describeHost", () => {
  it.each([
    ["x86_64", "x86_64", "i386"],
    ["amd64", "x86_64", "i386"],
    ["i386", "i386", "i386"],
    ["i486", "i386", "i386"],
    ["i586", "i386", "i386"],
    ["i686", "i386", "i386"],
    ["aarch64", "aarch64", "arm"],
    ["arm64", "aarch64", "arm"],
    ["armv7l", "arm", "arm"],
    ["armv6l", "arm", "arm"],
    ["armv5tel", "arm", "arm"],
    ["armhf", "arm", "arm"],
    ["armel", "arm", "arm"],
    ["armv7b", "armeb", "armeb"],
    ["ppc64le", "ppc64le", "ppcle"],
    ["ppc64el", "ppc64le", "ppcle"],
    ["ppc64", "ppc64", "ppc"],
    ["powerpc", "ppc", "ppc"],
    ["s390x", "s390x", "s390x"],
    ["riscv64", "riscv64", "riscv"],
    ["loongarch64", "loongarch64", "loongarch"],
    ["mips64el", "mips64el", "mips"],
  ])("describes %s as target %s of family %s", (machine, target, family) => {
    expect(describeHost(machine)).toEqual({ machine, target, family });
  });

  it("keeps the machine name as given, and normalises regardless of case", () => {
    expect(describeHost("AMD64")).toEqual({ machine: "AMD64", target: "x86_64", family: "i386" });
  });

  it("does not take arm-like names outside armv4..armv9 for arm", () => {
    expect(normaliseMachine("armv3l")).toBeNull();
  });
});

describe("host family and the targets it rules out", () => {
  const sameFamily = (machine: string): string[] =>
    TARGETS.filter((t) => t.family === describeHost(machine).family).map((t) => t.name);

  it("an x86_64 host shares a family with i386, i486 and x86_64", () => {
    expect(sameFamily("x86_64")).toEqual(["i386", "i486", "x86_64"]);
  });

  it("an aarch64 host shares a family with arm and aarch64", () => {
    expect(sameFamily("aarch64")).toEqual(["arm", "aarch64"]);
  });

  it("a ppc64le host shares a family with ppc64le only; big-endian ppc is foreign", () => {
    expect(sameFamily("ppc64el")).toEqual(["ppc64le"]);
  });

  it("every catalog target's own name describes a host of that target's family", () => {
    for (const target of TARGETS) {
      if (target.name === "i486") continue; // uname -m i486 is normalised to i386, same family
      const littleEndian = describeHost(target.name, "LE");
      const own =
        littleEndian.target === target.name ? littleEndian : describeHost(target.name, "BE");
      expect(own).toEqual({
        machine: target.name,
        target: target.name,
        family: target.family,
      });
    }
  });
});

describe("Linux machine names QEMU's script does not know", () => {
  it.each([
    ["parisc", "LE", "hppa"],
    ["parisc64", "BE", "hppa"],
    ["openrisc", "BE", "or1k"],
    ["sh", "LE", "sh4"],
    ["sh4", "LE", "sh4"],
    ["sh4a", "LE", "sh4"],
    ["sh", "BE", "sh4eb"],
    ["sh4eb", "LE", "sh4eb"],
    ["mips", "BE", "mips"],
    ["mips", "LE", "mipsel"],
    ["mips64", "LE", "mips64el"],
    ["mips64", "BE", "mips64"],
    ["armv8l", "LE", "arm"],
    ["armv8b", "BE", "armeb"],
    ["riscv32", "LE", "riscv32"],
    ["loongarch64", "LE", "loongarch64"],
    ["sparc64", "BE", "sparc64"],
    ["sparc", "BE", "sparc"],
    ["ppc", "BE", "ppc"],
    ["xtensa", "BE", "xtensaeb"],
    ["microblaze", "LE", "microblazeel"],
    ["aarch64_be", "BE", "aarch64_be"],
  ] as const)("maps %s (%s) to %s", (machine, endianness, target) => {
    expect(describeHost(machine, endianness).target).toBe(target);
  });

  it("refuses an unknown machine, naming it and the hostCpu override", () => {
    for (const machine of ["ia64", "armv3l", "s390", "ppcle", "arc"]) {
      expect(normaliseMachine(machine)).toBeNull();
      expect(() => describeHost(machine)).toThrow(
        new RegExp(`uname -m says "${machine}", which is none of the CPUs QEMU emulates`),
      );
    }
    try {
      describeHost("ia64");
    } catch (error) {
      expect((error as QusError).hint).toContain('set "hostCpu" in the config');
    }
  });

  it("takes the declared hostCpu over uname -m", () => {
    expect(describeHost("ia64", "LE", "hppa")).toEqual({
      machine: "ia64",
      target: "hppa",
      family: "hppa",
    });
  });
});
