// Each Debian package: the files it promises, lintian without errors, and the executable run from
// a throwaway root it was unpacked into (never installed on this machine).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWithArm64 } from "../../scripts/release/emulate-arm64.mjs";
import { releaseDir, VERSION } from "./artifacts.js";

let release: string;
const roots: string[] = [];

beforeAll(async () => {
  release = await releaseDir();
}, 30 * 60_000);

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const EXPECTED = [
  "./usr/bin/qus",
  "./usr/share/man/man1/qus.1.gz",
  "./usr/share/bash-completion/completions/qus",
  "./usr/share/zsh/vendor-completions/_qus",
  "./usr/share/fish/vendor_completions.d/qus.fish",
  "./usr/share/qus/schemas/qus.config.schema.json",
  "./usr/share/qus/schemas/qus.plan.schema.json",
  "./usr/share/qus/schemas/qus.status.schema.json",
  "./usr/share/doc/qus/copyright",
  "./usr/share/doc/qus/changelog.gz",
  "./usr/share/doc/qus/examples/qus.config.yaml",
];

describe.each([
  ["amd64", (qus: string) => execFileSync(qus, ["--version"], { encoding: "utf8" })],
  ["arm64", (qus: string) => runWithArm64(qus, ["--version"])],
])("qus_%s.deb", (arch, runVersion) => {
  const deb = () => join(release, `qus_${VERSION}_${arch}.deb`);

  it("holds the executable, man page, completions, schemas, copyright, changelog and examples", () => {
    const listing = execFileSync("dpkg-deb", ["-c", deb()], { encoding: "utf8" });
    const paths = listing.split("\n").map((line) => line.split(/\s+/)[5]);
    expect(paths).toEqual(expect.arrayContaining(EXPECTED));
    expect(listing).toMatch(/^-rwxr-xr-x root\/root .* \.\/usr\/bin\/qus$/m);
    const control = execFileSync("dpkg-deb", ["-f", deb(), "Architecture", "Version", "Depends"], {
      encoding: "utf8",
    });
    expect(control).toContain(`Architecture: ${arch}`);
    expect(control).toContain(`Version: ${VERSION}`);
    expect(control).toMatch(/Depends: libc6 \(>= 2\.28\)/);
  });

  it(
    "has no lintian errors",
    () => {
      const r = spawnSync("lintian", ["--fail-on", "error", "--no-tag-display-limit", deb()], {
        encoding: "utf8",
        timeout: 10 * 60_000,
      });
      expect(r.stdout.split("\n").filter((line) => line.startsWith("E:"))).toEqual([]);
      expect(r.status).toBe(0);
    },
    10 * 60_000,
  );

  it("runs from a root it was unpacked into", () => {
    const root = mkdtempSync(join(tmpdir(), `qus-deb-${arch}-`));
    roots.push(root);
    execFileSync("dpkg-deb", ["-x", deb(), root]);
    expect(runVersion(join(root, "usr", "bin", "qus"))).toBe(`${VERSION}\n`);
    const man = spawnSync("man", ["-l", join(root, "usr/share/man/man1/qus.1.gz")], {
      encoding: "utf8",
      env: { ...process.env, MANWIDTH: "80" },
    });
    expect(man.stdout).toMatch(/qus completion/);
    expect(man.stderr).toBe("");
  }, 120_000);
});
