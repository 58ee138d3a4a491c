// The QEMU version of every emulator the plan installs or replaces, and the known-issue
// warnings of the emulators it registers (pure: versions come in with the resolved emulators).
import { describe, expect, it } from "vitest";
import { describeHost } from "../../src/catalog/host.js";
import { resolveDesired, wantedEmulators } from "../../src/plan/desired.js";
import { plan } from "../../src/plan/plan.js";
import { projectPlan } from "../../src/views/plan-json.js";
import { renderPlan } from "../../src/views/plan-text.js";
import { plainStyle } from "../../src/views/style.js";
import { config, convergedLive, HOST, request, resolved, sha } from "./fakes.js";

const CONTEXT = {
  qusVersion: "0.0.0-test",
  configFile: null,
  host: { machine: "x86_64", family: "x86_64" },
};

function withVersion(cfg: ReturnType<typeof config>, version: number, qemu: string) {
  return resolved(cfg, version).map((r) => ({ ...r, qemuVersion: qemu }));
}

describe("QEMU versions in the plan", () => {
  const cfg = config([request("aarch64")]);

  it("a new emulator shows the QEMU version it reports", () => {
    const desired = resolveDesired(cfg, HOST, withVersion(cfg, 1, "11.1.3"));
    const result = plan(desired, { ...convergedLive(desired), files: [] });
    const emulator = result.changes.find((c) => c.kind === "emulator");
    expect(emulator?.after).toMatchObject({ qemu: "11.1.3" });
    const text = renderPlan(projectPlan(result, CONTEXT), plainStyle);
    expect(text).toMatch(/\+ qemu: +"11\.1\.3"/);
  });

  it('a replacement shows `~ qemu: "7.2.22" -> "11.1.3"` in text and JSON', () => {
    const old = resolveDesired(cfg, HOST, withVersion(cfg, 1, "7.2.22"));
    const live = convergedLive(old);
    const oldFile = live.files[0];
    const liveWithVersion = {
      ...live,
      files: [
        { path: oldFile?.path as string, sha256: oldFile?.sha256 ?? null, qemuVersion: "7.2.22" },
      ],
    };
    const desired = resolveDesired(cfg, HOST, withVersion(cfg, 2, "11.1.3"));
    const doc = projectPlan(plan(desired, liveWithVersion), CONTEXT);
    const emulator = doc.changes.find((c) => c.kind === "emulator");
    expect(emulator?.action).toBe("replace");
    expect(emulator?.before).toMatchObject({ qemu: "7.2.22" });
    expect(emulator?.after).toMatchObject({ qemu: "11.1.3" });
    expect(emulator?.reasons).toContainEqual({
      attribute: "qemu",
      before: "7.2.22",
      after: "11.1.3",
      forces_replacement: false,
      note: null,
    });
    expect(renderPlan(doc, plainStyle)).toContain('~ qemu:   "7.2.22" -> "11.1.3"');
  });

  it("an unknown version is left out, not invented", () => {
    const desired = resolveDesired(cfg, HOST, resolved(cfg, 1));
    const doc = projectPlan(plan(desired, { ...convergedLive(desired), files: [] }), CONTEXT);
    expect(doc.changes.find((c) => c.kind === "emulator")?.after).toMatchObject({ qemu: null });
    expect(renderPlan(doc, plainStyle)).not.toContain("qemu:");
  });
});

describe("known-issue warnings", () => {
  it("warns once per affected emulator, naming the issue and the range that avoids it", () => {
    const cfg = config([request("aarch64"), request("arm")]);
    const desired = resolveDesired(cfg, HOST, withVersion(cfg, 1, "7.2.22"));
    const result = plan(desired, convergedLive(desired));
    expect(result.changes).toEqual([]);
    expect(result.warnings).toEqual([
      'qemu-aarch64 is QEMU 7.2.22, affected by known issue openat2-missing: openat2 (syscall 437) is missing ("Unknown syscall 437"): GNU tar with the CVE-2025-45582 fix fails; QEMU >=9.2.0 avoids it (https://github.com/qemu/qemu/commit/9651cead2f1b)',
      expect.stringMatching(/^qemu-arm is QEMU 7\.2\.22, affected by known issue openat2-missing:/),
    ]);
    expect(renderPlan(projectPlan(result, CONTEXT), plainStyle)).toContain(
      "Warning: qemu-aarch64 is QEMU 7.2.22, affected by known issue openat2-missing",
    );
  });

  it("the x86-64-v2 issue only for qemu-x86_64, and nothing for a current QEMU", () => {
    const arm64Host = describeHost("aarch64");
    const cfg = config([request("x86_64"), request("i386")]);
    const versions = (qemu: string) =>
      wantedEmulators(cfg, arm64Host).map((emulator, i) => ({
        emulator,
        path: `/srv/emu/${emulator}`,
        sha256: sha(emulator, i),
        size: 1000,
        description: "test",
        qemuVersion: qemu,
      }));
    const old = resolveDesired(cfg, arm64Host, versions("7.1.0"));
    expect(old.warnings.map((w) => w.split(":")[0])).toEqual([
      "qemu-x86_64 is QEMU 7.1.0, affected by known issue x86-64-v2-cpu",
      "qemu-x86_64 is QEMU 7.1.0, affected by known issue openat2-missing",
      "qemu-i386 is QEMU 7.1.0, affected by known issue openat2-missing",
    ]);
    expect(resolveDesired(cfg, arm64Host, versions("11.1.3")).warnings).toEqual([]);
  });
});
