// Upstream QEMU versions from package versions (Debian and RPM, as the archives list them) and
// from the version text a static emulator carries.
import { describe, expect, it } from "vitest";
import {
  parseEmulatorVersionText,
  upstreamOfPackageVersion,
} from "../../src/currency/qemu-version.js";

describe("upstreamOfPackageVersion", () => {
  it.each([
    ["1:7.2+dfsg-7+deb12u18+b3", "7.2", "7.2.0", false],
    ["1:10.0.2+ds-2+deb13u1~bpo12+1", "10.0.2", "10.0.2", true],
    ["1:10.0.13+ds-0+deb13u1", "10.0.13", "10.0.13", true],
    ["1:11.1.3+ds-2~bpo13+1", "11.1.3", "11.1.3", true],
    ["2:10.1.5-1.fc43", "10.1.5", "10.1.5", true],
    ["10.2.2-3.fc44", "10.2.2", "10.2.2", true],
    ["1:9.2.0~rc1+ds-1", "9.2.0~rc1", "9.2.0-rc.1", true],
  ])("%s is upstream %s (semver %s)", (packageVersion, text, semver, patchKnown) => {
    expect(upstreamOfPackageVersion(packageVersion)).toEqual({ text, semver, patchKnown });
  });

  it("has no upstream version for a version that does not start with a number", () => {
    expect(upstreamOfPackageVersion("1:abc-1")).toBeUndefined();
    expect(upstreamOfPackageVersion("")).toBeUndefined();
  });
});

describe("parseEmulatorVersionText", () => {
  it("reads Debian's text with its package note", () => {
    const text = "\0\0qemu-aarch64 version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\0Copyright";
    expect(parseEmulatorVersionText(text)).toEqual({
      program: "qemu-aarch64",
      upstream: { text: "7.2.22", semver: "7.2.22", patchKnown: true },
      packageNote: "Debian 1:7.2+dfsg-7+deb12u18+b3",
    });
  });

  it("reads an upstream build without a note, as -version prints it", () => {
    expect(parseEmulatorVersionText("qemu-x86_64 version 10.2.3\nCopyright (c)")).toEqual({
      program: "qemu-x86_64",
      upstream: { text: "10.2.3", semver: "10.2.3", patchKnown: true },
    });
  });

  it("ignores other version texts a binary holds", () => {
    expect(parseEmulatorVersionText("QEMU TCG CPU version 2.5+\0Using version 2.2.\0")).toBe(
      undefined,
    );
  });
});
