// The autofs rule of binfmtDir, as values: an autofs mount point (systemd's
// proc-sys-fs-binfmt_misc.automount) is triggered once and then must show binfmt_misc; it is never
// a place qus mounts on. Why values and not the kernel: autofs cannot be mounted in a user
// namespace (its file_system_type lacks FS_USERNS_MOUNT), so a test would need real root on the
// host and an automount daemon; binfmt-dir.ts only runs statfs and follows these verdicts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { binfmtDirVerdict } from "../../src/kernel/binfmt-dir-verdict.js";
import { AUTOFS_SUPER_MAGIC, BINFMTFS_MAGIC, PROC_SUPER_MAGIC } from "../../src/kernel/fs-types.js";

const TMPFS = 0x01021994;
const EXT4 = 0xef53;

describe("binfmtDir verdicts", () => {
  it("an autofs point is triggered, then used when the automounter mounted binfmt_misc", () => {
    expect(binfmtDirVerdict(AUTOFS_SUPER_MAGIC, false, true)).toEqual({ kind: "trigger" });
    expect(binfmtDirVerdict(BINFMTFS_MAGIC, true, true)).toEqual({ kind: "mounted" });
  });

  it("an autofs point that stays autofs, or shows anything else, is refused by name", () => {
    expect(binfmtDirVerdict(AUTOFS_SUPER_MAGIC, true, true)).toEqual({
      kind: "refuse",
      found: "an autofs mount point that did not mount binfmt_misc when accessed (it shows autofs)",
    });
    expect(binfmtDirVerdict(TMPFS, true, true)).toEqual({
      kind: "refuse",
      found: "an autofs mount point that did not mount binfmt_misc when accessed (it shows tmpfs)",
    });
    expect(binfmtDirVerdict(null, true, true)).toMatchObject({ kind: "refuse" });
  });

  it("after a trigger, or at an autofs point, the verdict is never 'unmounted' (the only one that mounts)", () => {
    const type = fc.oneof(
      fc.constantFrom(AUTOFS_SUPER_MAGIC, BINFMTFS_MAGIC, PROC_SUPER_MAGIC, TMPFS, EXT4, null),
      fc.integer({ min: 0, max: 0xffffffff }),
    );
    fc.assert(
      fc.property(type, fc.boolean(), fc.boolean(), (t, triggered, kernelPath) => {
        const verdict = binfmtDirVerdict(t, triggered, kernelPath);
        if (triggered) expect(["mounted", "refuse"]).toContain(verdict.kind);
        if (t === AUTOFS_SUPER_MAGIC) expect(verdict.kind).toBe(triggered ? "refuse" : "trigger");
        if (verdict.kind === "unmounted") expect(t === null && kernelPath && !triggered).toBe(true);
      }),
    );
  });

  it("without autofs: binfmt_misc is used, the kernel's empty directory may be mounted, the rest refused", () => {
    expect(binfmtDirVerdict(BINFMTFS_MAGIC, false, false)).toEqual({ kind: "mounted" });
    expect(binfmtDirVerdict(null, false, true)).toEqual({ kind: "unmounted" });
    expect(binfmtDirVerdict(null, false, false)).toEqual({
      kind: "refuse",
      found: "nothing: the path does not exist",
    });
    expect(binfmtDirVerdict(PROC_SUPER_MAGIC, false, true)).toEqual({ kind: "procfs" });
    expect(binfmtDirVerdict(TMPFS, false, true)).toEqual({ kind: "refuse", found: null });
  });
});
