import { describe, expect, test } from "vitest";
import { describeHost } from "../../../src/catalog/host.js";
import { SourceError } from "../../../src/errors.js";
import { debianArchitecture } from "../../../src/sources/debian/architecture.js";

describe("debianArchitecture", () => {
  test.each([
    ["x86_64", "amd64"],
    ["aarch64", "arm64"],
    ["armv7l", "armhf"],
    ["i686", "i386"],
    ["ppc64le", "ppc64el"],
    ["s390x", "s390x"],
    ["riscv64", "riscv64"],
    ["mips64el", "mips64el"],
    ["loongarch64", "loong64"],
  ])("uname -m %s downloads binary-%s", (machine, architecture) => {
    expect(debianArchitecture(describeHost(machine))).toBe(architecture);
  });

  test("a CPU Debian does not build for is a SourceError naming it", () => {
    expect(() => debianArchitecture(describeHost("sparc64"))).toThrow(SourceError);
    expect(() => debianArchitecture(describeHost("sparc64"))).toThrow(/sparc64/);
  });
});
