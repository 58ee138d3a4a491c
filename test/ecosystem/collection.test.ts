// The qus.binfmt collection as Ansible tooling sees it: ansible-galaxy builds it, ansible-doc
// renders the module's and the role's documentation, and `ansible-test sanity` passes offline
// (scripts/collection-sanity.sh: validate-modules, ansible-doc, compile, import, pep8, ...).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../helpers/fixtures.js";

function run(cmd: string, args: string[], timeout = 60_000) {
  const env = { ...process.env, ANSIBLE_COLLECTIONS_PATH: projectRoot, ANSIBLE_NOCOLOR: "1" };
  const r = spawnSync(cmd, args, { cwd: projectRoot, env, encoding: "utf8", timeout });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("the qus.binfmt collection", () => {
  it("builds with ansible-galaxy", () => {
    const out = mkdtempSync(join(tmpdir(), "qus-collection-"));
    try {
      const built = run("ansible-galaxy", [
        "collection",
        "build",
        "ansible_collections/qus/binfmt",
        "--output-path",
        out,
      ]);
      expect(built.code, built.out).toBe(0);
      expect(readdirSync(out)).toEqual(["qus-binfmt-0.1.0.tar.gz"]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("ansible-doc renders the module and the role", () => {
    const module = run("ansible-doc", ["qus.binfmt.emulation"]);
    expect(module.code, module.out).toBe(0);
    for (const option of ["config", "targets", "state", "verify", "probes", "upgrade", "dest"])
      expect(module.out).toContain(`- ${option}`);
    expect(module.out).toContain("RETURN VALUES");
    const role = run("ansible-doc", ["-t", "role", "qus.binfmt.qus"]);
    expect(role.code, role.out).toBe(0);
    expect(role.out).toContain("qus_release_dir");
  });

  it("passes ansible-test sanity offline", { timeout: 240_000 }, () => {
    const sanity = run("bash", ["scripts/collection-sanity.sh"], 230_000);
    expect(sanity.code, sanity.out).toBe(0);
    for (const test of ["validate-modules", "ansible-doc", "compile", "import", "pep8", "yamllint"])
      expect(sanity.out).toContain(`sanity: ${test} passed`);
  });
});
