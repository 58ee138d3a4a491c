import { describe, expect, it } from "vitest";
import { plan } from "../../src/plan/plan.js";
import { resolveDesired, wantedEmulators } from "../../src/plan/desired.js";
import { describeHost } from "../../src/catalog/host.js";
import type { Change, Live } from "../../src/plan/types.js";
import {
  config,
  convergedLive,
  desiredFor,
  emptyLive,
  HOST,
  liveEntry,
  request,
  sha,
} from "./fakes.js";

const actions = (changes: readonly Change[]) =>
  changes.map((c) => `${c.action} ${c.kind} ${c.address}`);

describe("plan from an empty host", () => {
  const cfg = config([request("aarch64"), request("riscv64")]);
  const result = plan(desiredFor(cfg), emptyLive());

  it("installs each emulator and registers each target", () => {
    expect(actions(result.changes)).toEqual([
      "create emulator /opt/qus/qemu-aarch64",
      "create emulator /opt/qus/qemu-riscv64",
      "create registration qemu-aarch64",
      "create registration qemu-riscv64",
    ]);
    expect(result.summary).toEqual({ add: 4, change: 0, destroy: 0 });
  });

  it("registers exactly the catalog's magic and mask with the installed interpreter", () => {
    const reg = result.changes.find((c) => c.address === "qemu-aarch64");
    expect(reg?.after).toMatchObject({
      interpreter: "/opt/qus/qemu-aarch64",
      flags: "POF",
      offset: 0,
      magic: "7f454c460201010000000000000000000200b700",
      mask: "ffffffffffffff00fffffffffffffffffeffffff",
      enabled: true,
    });
    expect(reg).toMatchObject({ interpreterSha256: sha("qemu-aarch64") });
  });

  it("mounts binfmt_misc first when it is not mounted", () => {
    const unmounted = plan(desiredFor(cfg), emptyLive({ mounted: false, enabledGlobally: false }));
    expect(unmounted.changes[0]).toMatchObject({
      kind: "mount",
      action: "create",
      address: "/proc/sys/fs/binfmt_misc",
    });
    expect(unmounted.summary.add).toBe(5);
    expect(unmounted.warnings).toEqual([]);
  });

  it("warns when binfmt_misc is disabled as a whole", () => {
    const disabled = plan(desiredFor(cfg), emptyLive({ enabledGlobally: false }));
    expect(disabled.warnings.join("\n")).toMatch(/disabled as a whole/);
  });
});

describe("a converged host", () => {
  it("plans nothing and counts every resource as unchanged", () => {
    const desired = desiredFor(
      config([request("aarch64"), request("arm"), request("s390x", { enabled: false })]),
    );
    const result = plan(desired, convergedLive(desired));
    expect(result.changes).toEqual([]);
    expect(result.summary).toEqual({ add: 0, change: 0, destroy: 0 });
    expect(result.unchanged).toBe(6);
  });

  it("is deterministic whatever order the live entries are read in", () => {
    const desired = desiredFor(config([request("aarch64"), request("arm"), request("s390x")]));
    const live = convergedLive(desired);
    const extra = [
      liveEntry("ppc", { name: "qemu-ppc" }),
      liveEntry("sh4", { name: "zzz-foreign" }),
    ];
    const a = plan(desired, { ...live, entries: [...live.entries, ...extra] });
    const b = plan(desired, { ...live, entries: [...extra, ...live.entries].reverse() });
    expect(b).toEqual(a);
  });
});

describe("normalised comparison", () => {
  const desired = desiredFor(config([request("aarch64")]));
  const live = convergedLive(desired);
  const withEntry = (overrides: Parameters<typeof liveEntry>[1]): Live => ({
    ...live,
    entries: [liveEntry("aarch64", overrides)],
  });

  it("treats flags as a set with O implied by C (CF reads back as OCF)", () => {
    const cred = desiredFor(
      config([request("aarch64", { flags: "CF" })], { allowCredentials: true }),
    );
    const result = plan(cred, {
      ...convergedLive(cred),
      entries: [liveEntry("aarch64", { flags: "OCF" })],
    });
    expect(result.changes).toEqual([]);
    expect(result.warnings.join()).toMatch(/C flag/);
  });

  it("ignores magic bytes that sit under a zero mask", () => {
    const magic = "7f454c460201010000000000000000000200b700".replace(/^(.{14})00/, "$1ff");
    expect(plan(desired, withEntry({ magic })).changes).toEqual([]);
  });

  it("replaces an entry whose magic differs under the mask", () => {
    const magic = "7f454c460201010000000000000000000200b800";
    const result = plan(desired, withEntry({ magic }));
    expect(result.changes).toHaveLength(1);
    expect(result.changes[0]).toMatchObject({
      action: "replace",
      reasons: [{ attribute: "magic", forcesReplacement: true }],
    });
  });

  it("replaces an entry registered without a mask (all bytes count)", () => {
    const result = plan(desired, withEntry({ mask: null }));
    expect(result.changes[0]).toMatchObject({
      action: "replace",
      reasons: [{ attribute: "mask", before: "(none: all bytes)" }],
    });
  });

  it("replaces on a flag change and shows old -> new", () => {
    const result = plan(desired, withEntry({ flags: "F" }));
    expect(result.changes).toEqual([
      expect.objectContaining({
        action: "replace",
        address: "qemu-aarch64",
        reasons: [{ attribute: "flags", before: "F", after: "POF", forcesReplacement: true }],
      }),
    ]);
    expect(result.summary).toEqual({ add: 1, change: 0, destroy: 1 });
  });

  it("replaces on another interpreter or offset, listing every difference", () => {
    const result = plan(
      desired,
      withEntry({ interpreter: "/usr/bin/qemu-aarch64-static", offset: 1 }),
    );
    expect(result.changes[0]?.reasons.map((r) => r.attribute)).toEqual(["interpreter", "offset"]);
  });

  it("updates in place when only enabled differs", () => {
    const result = plan(desired, withEntry({ enabled: false }));
    expect(result.changes).toEqual([
      expect.objectContaining({
        action: "update",
        reasons: [
          { attribute: "enabled", before: "false", after: "true", forcesReplacement: false },
        ],
      }),
    ]);
    expect(result.summary).toEqual({ add: 0, change: 1, destroy: 0 });
  });

  it("disables in place when the config says enabled: false", () => {
    const off = desiredFor(config([request("aarch64", { enabled: false })]));
    const result = plan(off, { ...convergedLive(off), entries: [liveEntry("aarch64")] });
    expect(result.changes[0]).toMatchObject({ action: "update", after: { enabled: false } });
  });

  it("folds an enabled difference into a replacement without letting it force one", () => {
    const result = plan(desired, withEntry({ enabled: false, flags: "PF" }));
    expect(result.changes[0]?.reasons).toEqual([
      expect.objectContaining({ attribute: "flags", forcesReplacement: true }),
      expect.objectContaining({ attribute: "enabled", forcesReplacement: false }),
    ]);
  });

  it("adopts an entry of the same name registered by someone else (e.g. a distro package)", () => {
    const distro = liveEntry("aarch64", {
      interpreter: "/usr/libexec/qemu-binfmt/aarch64-binfmt-P",
      flags: "POCF",
    });
    const result = plan(desired, {
      ...live,
      entries: [distro],
      state: { ...live.state, registrations: {} },
    });
    expect(result.changes[0]).toMatchObject({ action: "replace", address: "qemu-aarch64" });
    expect(result.changes[0]?.reasons.map((r) => r.attribute)).toEqual([
      "interpreter",
      "flags",
      "emulator",
    ]);
  });

  it("replaces an extension (E) entry that sits on an owned name", () => {
    const e = liveEntry("aarch64", { type: "E", magic: "", mask: null, extension: "arm" });
    expect(plan(desired, withEntry(e)).changes[0]).toMatchObject({
      action: "replace",
      reasons: [expect.objectContaining({ attribute: "type" })],
    });
  });
});

describe("ownership and pruning", () => {
  const desired = desiredFor(config([request("aarch64")]));
  const live = convergedLive(desired);
  const foreign = liveEntry("arm", { name: "WSLInterop" });
  const extension = liveEntry("arm", {
    name: "qemu-jar",
    type: "E",
    magic: "",
    mask: null,
    extension: "jar",
  });
  const stale = liveEntry("s390x");

  it("removes owned entries that are no longer declared", () => {
    const result = plan(desired, { ...live, entries: [...live.entries, stale] });
    expect(actions(result.changes)).toEqual(["delete registration qemu-s390x"]);
    expect(result.changes[0]?.before).toMatchObject({ interpreter: "/opt/qus/qemu-s390x" });
  });

  it("keeps them, with a note, when prune is false", () => {
    const keep = desiredFor(config([request("aarch64")], { prune: false }));
    const result = plan(keep, { ...convergedLive(keep), entries: [...live.entries, stale] });
    expect(result.changes).toEqual([]);
    expect(result.notes.join()).toMatch(/Kept qemu-s390x/);
  });

  it("never touches entries outside the prefix, nor extension entries, and says so", () => {
    const result = plan(desired, { ...live, entries: [...live.entries, foreign, extension] });
    expect(result.changes).toEqual([]);
    expect(result.notes.join("\n")).toMatch(/Left untouched .*: WSLInterop/);
  });

  it("honours another prefix: qemu-* entries are then foreign", () => {
    const mine = desiredFor(config([request("aarch64")], { prefix: "qus-" }));
    const result = plan(mine, { ...emptyLive(), entries: [liveEntry("aarch64")] });
    expect(actions(result.changes)).toEqual([
      "create emulator /opt/qus/qemu-aarch64",
      "create registration qus-aarch64",
    ]);
  });

  it("destroys everything it owns when nothing is declared", () => {
    const none = desiredFor(config([]));
    const result = plan(none, { ...live, entries: [...live.entries, foreign] });
    expect(actions(result.changes)).toEqual([
      "delete emulator /opt/qus/qemu-aarch64",
      "delete registration qemu-aarch64",
    ]);
  });

  it("keeps an installed emulator that a kept or foreign entry still points at", () => {
    const none = desiredFor(config([], { prune: false }));
    expect(actions(plan(none, live).changes)).toEqual([]);
    const other = liveEntry("aarch64", { name: "someone-else" });
    expect(
      actions(plan(desiredFor(config([])), { ...live, entries: [...live.entries, other] }).changes),
    ).toEqual(["delete registration qemu-aarch64"]);
  });
});

describe("emulator files and the F flag", () => {
  const cfg = config([request("aarch64")]);
  const v1 = desiredFor(cfg, 1);
  const live = convergedLive(v1);

  it("replaces a changed emulator and, because F pins the old file, its registration too", () => {
    const result = plan(desiredFor(cfg, 2), live);
    expect(actions(result.changes)).toEqual([
      "replace emulator /opt/qus/qemu-aarch64",
      "replace registration qemu-aarch64",
    ]);
    expect(result.changes[1]?.reasons).toEqual([
      expect.objectContaining({
        attribute: "emulator",
        before: sha("qemu-aarch64", 1),
        after: sha("qemu-aarch64", 2),
        forcesReplacement: true,
      }),
    ]);
  });

  it("replaces only the file when the registration has no F", () => {
    const noF = config([request("aarch64", { flags: "PO" })]);
    const result = plan(desiredFor(noF, 2), convergedLive(desiredFor(noF, 1)));
    expect(actions(result.changes)).toEqual(["replace emulator /opt/qus/qemu-aarch64"]);
  });

  it("restores a file modified outside qus and says so", () => {
    const tampered: Live = {
      ...live,
      files: [{ path: "/opt/qus/qemu-aarch64", sha256: "ab".repeat(32) }],
    };
    const result = plan(v1, tampered);
    expect(result.changes[0]).toMatchObject({
      action: "replace",
      reasons: [{ attribute: "sha256", note: "the file was modified outside qus" }],
    });
  });

  it("reinstalls a deleted emulator", () => {
    const result = plan(v1, { ...live, files: [] });
    expect(actions(result.changes)).toEqual([
      "create emulator /opt/qus/qemu-aarch64",
      "replace registration qemu-aarch64",
    ]);
  });

  it("a reinstall never shows the pinned emulator as 'X -> X': what the kernel holds is unknown", () => {
    const reasons = plan(v1, { ...live, files: [] }).changes.flatMap((c) => c.reasons);
    const pin = reasons.find((r) => r.attribute === "emulator");
    expect(pin?.before).toBeNull();
    for (const reason of reasons) expect(reason.before).not.toBe(reason.after);
  });

  it("re-registers when the recorded pinned emulator differs from the file (F drift)", () => {
    const drift: Live = {
      ...live,
      state: {
        ...live.state,
        registrations: {
          "qemu-aarch64": { interpreter: "/opt/qus/qemu-aarch64", sha256: "cd".repeat(32) },
        },
      },
    };
    expect(actions(plan(v1, drift).changes)).toEqual(["replace registration qemu-aarch64"]);
  });

  it("re-registers an F entry when qus has no record of what the kernel holds", () => {
    const unknown: Live = { ...live, state: { ...live.state, registrations: {} } };
    expect(plan(v1, unknown).changes[0]?.reasons[0]?.note).toMatch(/no record/);
  });
});

describe("host safety", () => {
  it("skips the host's own CPU and its family, with a note, unless the family is opted in", () => {
    const cfg = config([
      request("x86_64"),
      request("i386"),
      request("aarch64"),
      request("i486", { allowHostFamily: true }),
    ]);
    const desired = desiredFor(cfg);
    expect(desired.registrations.map((r) => r.name)).toEqual(["qemu-aarch64", "qemu-i486"]);
    const notes = plan(desired, emptyLive()).notes.join("\n");
    expect(notes).toMatch(/Skipped x86_64: .*own CPU/);
    expect(notes).toMatch(/Skipped i386: .*CPU family of this x86_64 host \(i386\).*hostFamily/);
    expect(HOST.family).toBe("i386");
  });

  it("never registers the host's own CPU even when opted in", () => {
    const desired = desiredFor(config([request("x86_64", { allowHostFamily: true })]));
    expect(desired.registrations).toEqual([]);
  });

  it("skips i486 on an i386-class host even when opted in: its emulator is the host's own", () => {
    const i686 = describeHost("i686");
    const cfg = config([request("i486", { allowHostFamily: true }), request("aarch64")]);
    const emulators = wantedEmulators(cfg, i686).map((emulator) => ({
      emulator,
      path: `/srv/emu/${emulator}-static`,
      sha256: sha(emulator),
      size: 1000,
      description: emulator,
    }));
    expect(emulators.map((e) => e.emulator)).toEqual(["qemu-aarch64"]);
    const desired = resolveDesired(cfg, i686, emulators);
    expect(desired.registrations.map((r) => r.name)).toEqual(["qemu-aarch64"]);
    expect(desired.skipped).toEqual([
      {
        target: "i486",
        reason: expect.stringMatching(
          /^i486 runs on qemu-i386, the emulator of this host's own CPU \(i686\)/,
        ),
      },
    ]);
  });

  it("shares one emulator file between targets that run under it (i386 and i486)", () => {
    const desired = desiredFor(
      config([
        request("i386", { allowHostFamily: true }),
        request("i486", { allowHostFamily: true }),
      ]),
    );
    expect(desired.emulators.map((e) => e.path)).toEqual(["/opt/qus/qemu-i386"]);
    expect(desired.registrations.map((r) => r.interpreter)).toEqual([
      "/opt/qus/qemu-i386",
      "/opt/qus/qemu-i386",
    ]);
  });
});
