// Persistence files are planned like any other resource: +, -/+ (with a unified diff), -; only
// files qus wrote are removed, and their order in apply never names a missing emulator at boot.
import { describe, expect, it } from "vitest";
import { plan } from "../../src/plan/plan.js";
import { orderSteps } from "../../src/plan/steps.js";
import { BINFMTD_HEADER, binfmtdFileFor } from "../../src/plan/persist.js";
import type { Change, Live } from "../../src/plan/types.js";
import { projectPlan } from "../../src/views/plan-json.js";
import { renderPlan } from "../../src/views/plan-text.js";
import { plainStyle } from "../../src/views/style.js";
import { config, convergedLive, desiredFor, emptyLive, request, textSha } from "./fakes.js";

const persisted = (targets = [request("aarch64"), request("riscv64")], overrides = {}) =>
  desiredFor(config(targets, { persist: true, binfmtDDir: "/etc/binfmt.d", ...overrides }));
const files = (changes: readonly Change[]) =>
  changes.filter((c) => c.kind === "binfmtd").map((c) => `${c.action} ${c.address}`);
const context = { qusVersion: "0", configFile: null, host: { machine: "x86_64", family: "i386" } };
const AARCH64_LINE =
  ":qemu-aarch64:M:0:\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:" +
  "\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/opt/qus/qemu-aarch64:POF";

describe("the file qus writes", () => {
  it("is <entry>.conf holding the header and the exact register line apply writes to the kernel", () => {
    const desired = persisted([request("aarch64")]);
    expect(desired.binfmtd).toEqual([
      {
        path: "/etc/binfmt.d/qemu-aarch64.conf",
        entry: "qemu-aarch64",
        content: `${BINFMTD_HEADER}\n${AARCH64_LINE}\n`,
      },
    ]);
  });

  it("has no register line for a disabled target, so it still masks the distro's file", () => {
    const [file] = persisted([request("aarch64", { enabled: false })]).binfmtd;
    expect(file?.content).not.toMatch(/^:/m);
    expect(file?.content).toContain("disabled in the configuration");
  });

  it("is not planned at all with persist: false", () => {
    expect(desiredFor(config([request("aarch64")])).binfmtd).toEqual([]);
  });

  it("warns when the interpreter would live in a directory emptied at boot", () => {
    expect(persisted([request("aarch64")], { installDir: "/tmp/qus" }).warnings.join()).toMatch(
      /emptied at boot/,
    );
    expect(persisted([request("aarch64")]).warnings).toEqual([]);
  });
});

describe("planning binfmt.d files", () => {
  it("creates one per entry on a fresh host, after the registrations", () => {
    const result = plan(persisted(), emptyLive());
    expect(files(result.changes)).toEqual([
      "create /etc/binfmt.d/qemu-aarch64.conf",
      "create /etc/binfmt.d/qemu-riscv64.conf",
    ]);
    expect(result.summary).toEqual({ add: 6, change: 0, destroy: 0 });
    expect(result.changes.at(-1)?.kind).toBe("binfmtd");
  });

  it("plans nothing on a converged host and counts the files as unchanged", () => {
    const desired = persisted();
    const result = plan(desired, convergedLive(desired));
    expect(result.changes).toEqual([]);
    expect(result.unchanged).toBe(6);
  });

  it("takes over a same-named file qus did not write, showing a unified diff", () => {
    const desired = persisted([request("aarch64")]);
    const distro =
      ":qemu-aarch64:M::\\x7fELF:\\xff\\xff\\xff\\xff:/usr/libexec/qemu-binfmt/aarch64-binfmt-P:POCF\n";
    const live: Live = {
      ...convergedLive(desired),
      binfmtd: [
        { path: "/etc/binfmt.d/qemu-aarch64.conf", content: distro, sha256: textSha(distro) },
      ],
      state: { ...convergedLive(desired).state, binfmtd: {} },
    };
    const result = plan(desired, live);
    expect(files(result.changes)).toEqual(["replace /etc/binfmt.d/qemu-aarch64.conf"]);
    expect(result.changes[0]?.reasons[0]?.note).toMatch(/did not write this file/);
    const doc = projectPlan(result, context);
    const change = doc.changes[0];
    expect(change?.kind === "binfmtd" && change.diff).toContain(
      `-${distro.trimEnd()}\n+${BINFMTD_HEADER}\n+${AARCH64_LINE}`,
    );
    const text = renderPlan(doc, plainStyle);
    expect(text).toContain('-/+ binfmt.d file "/etc/binfmt.d/qemu-aarch64.conf"');
    expect(text).toContain("--- /etc/binfmt.d/qemu-aarch64.conf\ton disk");
    expect(text).toContain(`+${AARCH64_LINE}`);
  });

  it("says when a file qus wrote was edited by someone else", () => {
    const desired = persisted([request("aarch64")]);
    const converged = convergedLive(desired);
    const edited = `${desired.binfmtd[0]!.content}# local edit\n`;
    const live = {
      ...converged,
      binfmtd: [{ path: desired.binfmtd[0]!.path, content: edited, sha256: textSha(edited) }],
    };
    expect(plan(desired, live).changes[0]?.reasons[0]?.note).toBe(
      "the file was modified outside qus",
    );
  });

  it("recreates a file deleted behind qus's back", () => {
    const desired = persisted([request("aarch64")]);
    const live = { ...convergedLive(desired), binfmtd: [] };
    expect(files(plan(desired, live).changes)).toEqual(["create /etc/binfmt.d/qemu-aarch64.conf"]);
  });

  it("removes the file of a target that left the config, before the emulator it names", () => {
    const live = convergedLive(persisted());
    const result = plan(persisted([request("aarch64")]), live);
    expect(files(result.changes)).toEqual(["delete /etc/binfmt.d/qemu-riscv64.conf"]);
    const steps = orderSteps(result.changes).flatMap((g) => g.steps.map((s) => s.op));
    expect(steps).toEqual(["remove-binfmtd", "unregister", "remove-file"]);
  });

  it("removes every file it wrote when persist is turned off, and nothing it did not write", () => {
    const live: Live = {
      ...convergedLive(persisted()),
    };
    const foreignFile = {
      path: "/etc/binfmt.d/other.conf",
      content: ":other:E::x::/bin/true:\n",
      sha256: textSha(":other:E::x::/bin/true:\n"),
    };
    const result = plan(desiredFor(config([request("aarch64"), request("riscv64")])), {
      ...live,
      binfmtd: [...live.binfmtd, foreignFile],
    });
    expect(files(result.changes)).toEqual([
      "delete /etc/binfmt.d/qemu-aarch64.conf",
      "delete /etc/binfmt.d/qemu-riscv64.conf",
    ]);
  });

  it("keeps the file of an entry kept because prune is false", () => {
    const live = convergedLive(persisted());
    const result = plan(persisted([request("aarch64")], { prune: false }), live);
    expect(result.changes).toEqual([]);
  });

  it("rewrites the file when the registration changes", () => {
    const live = convergedLive(persisted());
    const result = plan(persisted([request("aarch64", { flags: "OF" }), request("riscv64")]), live);
    expect(files(result.changes)).toEqual(["replace /etc/binfmt.d/qemu-aarch64.conf"]);
    const file = binfmtdFileFor("/etc/binfmt.d", { ...persisted().registrations[0]!, flags: "OF" });
    expect(result.changes.find((c) => c.kind === "binfmtd")?.after).toEqual({
      content: file.content,
    });
  });
});
