// The host's CPU family decides which targets qus must never register (a handler for the host's
// own executables can make every exec loop). Normalisation follows QEMU's qemu-binfmt-conf.sh.
import { describe, expect, it } from "vitest";
import { describeHost, normaliseMachine } from "../../src/catalog/host.js";
import { TARGETS } from "../../src/catalog/targets.js";

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
    ["mips64", "mips64", "mips"],
  ])("describes %s as target %s of family %s", (machine, target, family) => {
    expect(describeHost(machine)).toEqual({ machine, target, family });
  });

  it("keeps the machine name as given, and normalises regardless of case", () => {
    expect(describeHost("AMD64")).toEqual({ machine: "AMD64", target: "x86_64", family: "i386" });
  });

  it("gives an unknown CPU a family of its own, so no catalog target is skipped for it", () => {
    expect(describeHost("ia64")).toEqual({ machine: "ia64", target: "ia64", family: "ia64" });
    expect(TARGETS.some((t) => t.family === "ia64")).toBe(false);
  });

  it("does not take arm-like names outside armv4..armv9 for arm", () => {
    expect(normaliseMachine("armv3l")).toBe("armv3l");
    expect(normaliseMachine("arm")).toBe("arm");
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
      expect(describeHost(target.name)).toEqual({
        machine: target.name,
        target: target.name,
        family: target.family,
      });
    }
  });
});
