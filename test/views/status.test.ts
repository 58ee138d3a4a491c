import { describe, expect, test } from "vitest";
import type { LiveEntry, StateRecord } from "../../src/plan/types.js";
import {
  isOwnedEntry,
  projectStatus,
  renderStatus,
  withRenderedStatus,
  type StatusInput,
} from "../../src/views/status.js";
import { colourStyle, plainStyle } from "../../src/views/style.js";
import { BINFMT_DIR, SHA_AARCH64, pattern } from "./fixtures.js";

const ANSI = /\x1b\[[0-9;]*m/g;

const aarch64: LiveEntry = {
  name: "qemu-aarch64",
  enabled: true,
  type: "M",
  interpreter: "/usr/local/lib/qus/qemu-aarch64",
  flags: "POF",
  offset: 0,
  ...pattern("aarch64"),
};
const riscv64: LiveEntry = {
  ...aarch64,
  name: "qemu-riscv64",
  enabled: false,
  interpreter: "/usr/local/lib/qus/qemu-riscv64",
  flags: "F",
  ...pattern("riscv64"),
};
const wsl: LiveEntry = {
  name: "WSLInterop",
  enabled: true,
  type: "M",
  interpreter: "/init",
  flags: "PF",
  offset: 0,
  magic: "4d5a",
  mask: null,
};
const jar: LiveEntry = {
  name: "qemu-jar",
  enabled: true,
  type: "E",
  interpreter: "/usr/bin/jexec",
  flags: "",
  offset: 0,
  magic: "",
  mask: null,
  extension: "jar",
};

const state: StateRecord = {
  version: 1,
  emulators: { "/usr/local/lib/qus/qemu-aarch64": { sha256: SHA_AARCH64, size: 5_453_184 } },
  registrations: {
    "qemu-aarch64": { interpreter: "/usr/local/lib/qus/qemu-aarch64", sha256: SHA_AARCH64 },
    WSLInterop: { interpreter: "/init", sha256: "f".repeat(64) },
  },
};

const input: StatusInput = {
  binfmtDir: BINFMT_DIR,
  mounted: true,
  enabledGlobally: true,
  entries: [wsl, riscv64, jar, aarch64],
  prefix: "qemu-",
  state,
};

describe("projectStatus", () => {
  test("lists every entry sorted by name, with ownership by prefix and type M", () => {
    const doc = projectStatus(input);
    expect(doc.entries.map((e) => [e.name, e.owned])).toEqual([
      ["WSLInterop", false],
      ["qemu-aarch64", true],
      ["qemu-jar", false],
      ["qemu-riscv64", true],
    ]);
    expect(doc.summary).toEqual({ total: 4, owned: 2, registered_by_qus: 1 });
    // Same prefix, but only the entry the state file records was registered by qus.
    expect(doc.entries.map((e) => [e.name, e.registered_by_qus])).toEqual([
      ["WSLInterop", false],
      ["qemu-aarch64", true],
      ["qemu-jar", false],
      ["qemu-riscv64", false],
    ]);
    expect(doc).toMatchObject({
      format_version: "1",
      binfmt_dir: BINFMT_DIR,
      mounted: true,
      enabled: true,
      prefix: "qemu-",
    });
  });

  test("copies the kernel's view of each entry", () => {
    const entry = projectStatus(input).entries.find((e) => e.name === "qemu-riscv64");
    expect(entry).toEqual({
      name: "qemu-riscv64",
      owned: true,
      enabled: false,
      type: "M",
      interpreter: "/usr/local/lib/qus/qemu-riscv64",
      flags: "F",
      offset: 0,
      ...pattern("riscv64"),
      recorded_sha256: null,
      qemu: null,
      known_issues: [],
      registered_by_qus: false,
    });
  });

  test("an entry re-registered by another tool with its own interpreter is not qus's", () => {
    const replaced = { ...aarch64, interpreter: "/usr/libexec/qemu-binfmt/aarch64-binfmt-P" };
    const entry = projectStatus({ ...input, entries: [replaced] }).entries[0];
    expect(entry?.owned).toBe(true);
    expect(entry?.registered_by_qus).toBe(false);
  });

  test("gives the recorded emulator sha256 only for owned entries qus recorded", () => {
    const bySha = Object.fromEntries(
      projectStatus(input).entries.map((e) => [e.name, e.recorded_sha256]),
    );
    expect(bySha).toEqual({
      "qemu-aarch64": SHA_AARCH64,
      "qemu-riscv64": null,
      WSLInterop: null,
      "qemu-jar": null,
    });
    expect(
      projectStatus({ ...input, state: undefined }).entries.every(
        (e) => e.recorded_sha256 === null,
      ),
    ).toBe(true);
  });

  test("keeps the extension of E entries and omits it on M entries", () => {
    const entries = projectStatus(input).entries;
    expect(entries.find((e) => e.name === "qemu-jar")?.extension).toBe("jar");
    expect("extension" in (entries.find((e) => e.name === "qemu-aarch64") ?? {})).toBe(false);
  });

  test("not mounted: no entries, not enabled", () => {
    const doc = projectStatus({ ...input, mounted: false, enabledGlobally: false, entries: [] });
    expect(doc).toMatchObject({
      mounted: false,
      enabled: false,
      entries: [],
      summary: { total: 0, owned: 0 },
    });
  });

  test("isOwnedEntry needs both the prefix and type M", () => {
    expect(isOwnedEntry({ name: "qemu-arm", type: "M" }, "qemu-")).toBe(true);
    expect(isOwnedEntry({ name: "qemu-arm", type: "E" }, "qemu-")).toBe(false);
    expect(isOwnedEntry({ name: "qemu-arm", type: "M" }, "qus-")).toBe(false);
  });
});

describe("renderStatus", () => {
  test("a compact table and a summary line", () => {
    expect(renderStatus(projectStatus(input), plainStyle)).toMatchInlineSnapshot(`
      "binfmt_misc at /proc/sys/fs/binfmt_misc is enabled.

      NAME          OWNED       ENABLED  FLAGS  QEMU  INTERPRETER
      WSLInterop    -           yes      PF     -     /init
      qemu-aarch64  ✓           yes      POF    -     /usr/local/lib/qus/qemu-aarch64
      qemu-jar      -           yes      -      -     /usr/bin/jexec (.jar)
      qemu-riscv64  other tool  no       F      -     /usr/local/lib/qus/qemu-riscv64

      4 entries, 1 registered by qus (prefix "qemu-"), 1 more under its prefix made by another tool
      "
    `);
  });

  test("says plainly when binfmt_misc is not mounted", () => {
    const doc = projectStatus({ ...input, mounted: false, enabledGlobally: false, entries: [] });
    expect(renderStatus(doc, plainStyle)).toBe(
      "binfmt_misc is not mounted at /proc/sys/fs/binfmt_misc.\n",
    );
  });

  test("warns when binfmt_misc is disabled as a whole", () => {
    const text = renderStatus(projectStatus({ ...input, enabledGlobally: false }), plainStyle);
    expect(text.split("\n").slice(0, 2)).toEqual([
      "binfmt_misc at /proc/sys/fs/binfmt_misc is disabled.",
      "The kernel ignores every entry while binfmt_misc is disabled.",
    ]);
  });

  test("an empty instance has no table, just the count", () => {
    expect(renderStatus(projectStatus({ ...input, entries: [] }), plainStyle)).toBe(
      'binfmt_misc at /proc/sys/fs/binfmt_misc is enabled.\n\n0 entries, 0 registered by qus (prefix "qemu-")\n',
    );
  });

  test("one entry is singular", () => {
    expect(renderStatus(projectStatus({ ...input, entries: [aarch64] }), plainStyle)).toContain(
      '1 entry, 1 registered by qus (prefix "qemu-")',
    );
  });

  test("columns line up whatever the name lengths", () => {
    const lines = renderStatus(projectStatus(input), plainStyle).split("\n").slice(2, 7);
    const column = lines[0]?.indexOf("INTERPRETER") ?? -1;
    expect(column).toBeGreaterThan(0);
    for (const line of lines.slice(1)) expect(line[column - 1], line).toBe(" ");
    for (const line of lines.slice(1)) expect(line[column], line).toBe("/");
  });

  test("plain has no escape codes; colour has them and only adds them", () => {
    const doc = projectStatus(input);
    const plain = renderStatus(doc, plainStyle);
    const coloured = renderStatus(doc, colourStyle);
    expect(plain).not.toContain("\x1b");
    expect(coloured).toContain("\x1b[");
    expect(coloured.replace(ANSI, "")).toBe(plain);
  });

  test("withRenderedStatus attaches the plain text", () => {
    const doc = projectStatus(input);
    const rendered = withRenderedStatus(doc);
    expect(rendered.rendered).toBe(renderStatus(doc, plainStyle));
    expect(withRenderedStatus(rendered)).toEqual(rendered);
  });
});

describe("QEMU versions and known issues in the status", () => {
  const withVersions: StatusInput = {
    ...input,
    qemuVersions: new Map([
      ["/usr/local/lib/qus/qemu-aarch64", "7.2.22"],
      ["/usr/local/lib/qus/qemu-riscv64", "11.1.3"],
    ]),
  };

  test("each entry carries its version and the ids of its known issues", () => {
    const doc = projectStatus(withVersions);
    const byName = Object.fromEntries(doc.entries.map((e) => [e.name, [e.qemu, e.known_issues]]));
    expect(byName).toEqual({
      "qemu-aarch64": ["7.2.22", ["openat2-missing"]],
      "qemu-jar": [null, []],
      "qemu-riscv64": ["11.1.3", []],
      WSLInterop: [null, []],
    });
    expect(doc.warnings).toEqual([
      'qemu-aarch64: qemu-aarch64 is QEMU 7.2.22, affected by known issue openat2-missing: openat2 (syscall 437) is missing ("Unknown syscall 437"): GNU tar with the CVE-2025-45582 fix fails; QEMU >=9.2.0 avoids it (https://github.com/qemu/qemu/commit/9651cead2f1b)',
    ]);
  });

  test("the table shows the version; the warning follows it", () => {
    const text = renderStatus(projectStatus(withVersions), plainStyle);
    expect(text).toMatch(
      /\nqemu-aarch64 +✓ +yes +POF +7\.2\.22 +\/usr\/local\/lib\/qus\/qemu-aarch64\n/,
    );
    expect(text).toContain(
      "Warning: qemu-aarch64: qemu-aarch64 is QEMU 7.2.22, affected by known issue openat2-missing",
    );
  });
});
