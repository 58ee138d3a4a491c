// The pure parts doctor is built from: which user namespace setting blocks whom, mountinfo
// parsing, magic-under-mask matching, binfmt.d names and kernel versions.
import { describe, expect, it } from "vitest";
import { usernsBlock, type UsernsSettings } from "../../src/doctor/conditions.js";
import { matchesBytes } from "../../src/doctor/checks/entries.js";
import { hasPrivateInstances, kernelVersion } from "../../src/doctor/checks/kernel.js";
import { binfmtDNames } from "../../src/doctor/checks/reboot.js";
import { binfmtMountState } from "../../src/doctor/facts.js";
import { parseMountInfo, topMountAt } from "../../src/kernel/mountinfo.js";
import type { LiveEntry } from "../../src/plan/types.js";
import { X86_64_EXE } from "./hosts.js";

const open: UsernsSettings = {
  maxUserNamespaces: "63704",
  unprivilegedClone: null,
  apparmorRestrict: null,
};

describe("usernsBlock", () => {
  it("max_user_namespaces=0 blocks root and users alike", () => {
    const settings = { ...open, maxUserNamespaces: "0" };
    expect(usernsBlock(settings, 0)?.setting).toBe("user.max_user_namespaces");
    expect(usernsBlock(settings, 1000)?.setting).toBe("user.max_user_namespaces");
  });
  it("Debian's clone switch and Ubuntu's AppArmor restriction block users, not root", () => {
    for (const settings of [
      { ...open, unprivilegedClone: "0" },
      { ...open, apparmorRestrict: "1" },
    ]) {
      expect(usernsBlock(settings, 0)).toBeNull();
      expect(usernsBlock(settings, 1000)).not.toBeNull();
    }
    expect(
      usernsBlock({ ...open, unprivilegedClone: "1", apparmorRestrict: "0" }, 1000),
    ).toBeNull();
  });
  it("names the first blocking setting with its value", () => {
    const block = usernsBlock({ ...open, unprivilegedClone: "0", apparmorRestrict: "1" }, 1000);
    expect(block?.message).toBe(
      "User namespaces are disabled here: kernel.unprivileged_userns_clone is 0, so qus run cannot create its private binfmt_misc",
    );
  });
});

describe("mountinfo", () => {
  const text = [
    "23 22 0:21 / /proc rw,nosuid - proc proc rw",
    "36 23 0:32 / /proc/sys/fs/binfmt_misc rw,relatime shared:14 - autofs systemd-1 rw,fd=29",
    "45 36 0:40 / /proc/sys/fs/binfmt_misc rw,relatime shared:26 - binfmt_misc binfmt_misc rw",
    "50 22 0:50 / /mnt/with\\040space ro,relatime - tmpfs tmpfs ro",
  ].join("\n");
  const mounts = parseMountInfo(`${text}\n`);
  it("unescapes mount points and reads options and type", () => {
    expect(topMountAt(mounts, "/mnt/with space")).toMatchObject({
      device: "0:50",
      fsType: "tmpfs",
      options: ["ro", "relatime"],
    });
  });
  it("an automount that fired is mounted via the automount; one that did not is not mounted", () => {
    expect(binfmtMountState(mounts)).toEqual({ kind: "mounted", viaAutomount: true });
    expect(binfmtMountState(mounts.slice(0, 2))).toEqual({ kind: "automount" });
    expect(binfmtMountState(mounts.slice(0, 1))).toEqual({ kind: "unmounted", covered: null });
  });
});

describe("matchesBytes", () => {
  const entry = (magic: string, mask: string | null, offset = 0): LiveEntry => ({
    name: "x",
    enabled: true,
    type: "M",
    interpreter: "/x",
    flags: "",
    offset,
    magic,
    mask,
  });
  it("compares under the mask, at the offset", () => {
    // QEMU's x86_64 magic and mask: a PIE (e_type 3) matches through the fe mask byte.
    const x86 = entry(
      "7f454c4602010100000000000000000002003e00",
      "fffffffffffefe00fffffffffffffffffeffffff",
    );
    expect(matchesBytes(x86, X86_64_EXE)).toBe(true);
    expect(matchesBytes(entry("7f454c460201010000000000000000000200b700", null), X86_64_EXE)).toBe(
      false,
    );
    expect(matchesBytes(entry("3e00", null, 18), X86_64_EXE)).toBe(true);
    expect(matchesBytes(entry("3e00", null, 63), X86_64_EXE)).toBe(false); // past the bytes read
  });
});

describe("binfmtDNames and kernel versions", () => {
  it("reads names, skipping comments and honouring any delimiter", () => {
    expect(binfmtDNames("# c\n; c\n\n:qemu-arm:M::x::/q:F\n,other,E,,py,,/p,\n")).toEqual([
      "qemu-arm",
      "other",
    ]);
  });
  it("private instances from 6.7 on", () => {
    expect(kernelVersion("6.6.87.2-microsoft-standard-WSL2")).toEqual([6, 6]);
    expect(hasPrivateInstances("6.6.87")).toBe(false);
    expect(hasPrivateInstances("6.7.0")).toBe(true);
    expect(hasPrivateInstances("7.0.1")).toBe(true);
    expect(hasPrivateInstances("not a release")).toBeNull();
  });
});
