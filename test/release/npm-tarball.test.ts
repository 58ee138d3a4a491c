// The npm tarball as `npm install -g ./qus-<version>.tgz` installs it (into a temporary prefix),
// with no install script run, then the installed `qus` runs.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { qemuDir } from "../helpers/fixtures.js";
import { spawnWithArm64 } from "../../scripts/release/emulate-arm64.mjs";
import { releaseDir, VERSION } from "./artifacts.js";

let prefix: string;
let install: ReturnType<typeof spawnSync>;

beforeAll(async () => {
  const release = await releaseDir();
  prefix = mkdtempSync(join(tmpdir(), "qus-npm-prefix-"));
  install = spawnSync(
    "npm",
    [
      "install",
      "-g",
      "--prefix",
      prefix,
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      join(release, `qus-${VERSION}.tgz`),
    ],
    { encoding: "utf8", timeout: 5 * 60_000 },
  );
}, 30 * 60_000);

afterAll(() => rmSync(prefix, { recursive: true, force: true }));

describe(`qus-${VERSION}.tgz`, () => {
  it("installs globally with no install-script warning", () => {
    expect(install.stderr).not.toMatch(/install script|prepare|tsc/i);
    expect(install.status).toBe(0);
  });

  it("runs --version, and plan in a private binfmt_misc, from the prefix", async () => {
    const qus = join(prefix, "bin", "qus");
    expect(execFileSync(qus, ["--version"], { encoding: "utf8" })).toBe(`${VERSION}\n`);
    const dir = mkdtempSync(join(tmpdir(), "qus-npm-plan-"));
    try {
      writeFileSync(
        join(dir, "qus.config.json"),
        JSON.stringify({
          targets: ["aarch64"],
          source: { type: "local", path: qemuDir() },
          installDir: join(dir, "emulators"),
          stateFile: join(dir, "state.json"),
          cacheDir: join(dir, "cache"),
          persist: false,
        }),
      );
      // In a private binfmt_misc (new namespaces; it also holds a qemu-aarch64 entry of its own).
      const plan = spawnWithArm64(qus, ["plan", "--json"], { cwd: dir });
      expect(plan.stderr).toBe("");
      const doc = JSON.parse(plan.stdout);
      expect(doc.qus_version).toBe(VERSION);
      expect(entryNames(doc)).toEqual(["qemu-aarch64"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The binfmt_misc entries a plan changes (its other changes are emulator files, named by path). */
function entryNames(doc: { changes: { name: string }[] }): string[] {
  return doc.changes.map((c) => c.name).filter((name) => !name.startsWith("/"));
}
