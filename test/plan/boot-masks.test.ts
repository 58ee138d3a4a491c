// Boot masks, pure: which distribution binfmt.d files qus masks (same basename in binfmtDDir),
// what a mask keeps, and when qus leaves a file alone.
import { describe, expect, it } from "vitest";
import { bootMasks, maskableDirs, registerLineEntry } from "../../src/plan/boot-masks.js";
import { BINFMTD_HEADER } from "../../src/plan/persist.js";
import { config, desiredFor, request } from "./fakes.js";

const persisted = (prune: boolean) =>
  desiredFor(config([request("aarch64")], { persist: true, prune, binfmtDDir: "/etc/binfmt.d" }));
const distro = (path: string, ...lines: string[]) => ({
  path,
  content: `${lines.join("\n")}\n`,
  sha256: null,
});
const nothingThere = () => null;
const notRecorded = () => false;

describe("bootMasks", () => {
  it("masks a distro file that registers an entry qus prunes, keeping its other lines", () => {
    const file = distro(
      "/usr/lib/binfmt.d/extra.conf",
      "# comment",
      ":qemu-arm:M::abc::/bin/true:",
      ":python:M::def::/bin/true:",
    );
    const [mask, ...rest] = bootMasks(persisted(true), [file], nothingThere, notRecorded);
    expect(rest).toEqual([]);
    expect(mask?.path).toBe("/etc/binfmt.d/extra.conf");
    expect(mask?.content.startsWith(BINFMTD_HEADER)).toBe(true);
    expect(mask?.content).toContain(":python:M::def::/bin/true:");
    expect(mask?.content).not.toContain(":qemu-arm:");
  });

  it("masks a differently named file that registers an entry qus wants, even without prune", () => {
    const file = distro("/usr/lib/binfmt.d/qemu-aarch64-static.conf", ":qemu-aarch64:M::x::/y:F");
    expect(bootMasks(persisted(false), [file], nothingThere, notRecorded)).toHaveLength(1);
  });

  it("leaves alone: entries it does not manage, its own files, an admin's mask, and persist off", () => {
    const foreign = distro("/usr/lib/binfmt.d/python.conf", ":python:M::def::/bin/true:");
    expect(bootMasks(persisted(true), [foreign], nothingThere, notRecorded)).toEqual([]);
    const unpruned = distro("/usr/lib/binfmt.d/extra.conf", ":qemu-arm:M::abc::/bin/true:");
    expect(bootMasks(persisted(false), [unpruned], nothingThere, notRecorded)).toEqual([]);
    const own = distro("/usr/lib/binfmt.d/qemu-aarch64.conf", ":qemu-aarch64:M::x::/y:F");
    expect(bootMasks(persisted(true), [own], nothingThere, notRecorded)).toEqual([]);
    const admin = () => "# the admin's own mask\n";
    expect(bootMasks(persisted(true), [unpruned], admin, notRecorded)).toEqual([]);
    const off = desiredFor(config([request("aarch64")], { persist: false, prune: true }));
    expect(bootMasks(off, [unpruned], nothingThere, notRecorded)).toEqual([]);
  });
});

describe("helpers", () => {
  it("a file in /etc masks /run, /usr/local/lib and /usr/lib; elsewhere nothing", () => {
    expect(maskableDirs("/etc/binfmt.d/")).toEqual([
      "/run/binfmt.d",
      "/usr/local/lib/binfmt.d",
      "/usr/lib/binfmt.d",
    ]);
    expect(maskableDirs("/srv/binfmt.d")).toEqual([]);
  });

  it("reads the entry of a register line with any delimiter; comments are none", () => {
    expect(registerLineEntry(",qemu-x,M,,a,,/b,")).toEqual({ name: "qemu-x", type: "M" });
    expect(registerLineEntry("# :qemu-x:M::")).toBeNull();
    expect(registerLineEntry("; x")).toBeNull();
    expect(registerLineEntry("   ")).toBeNull();
  });
});
