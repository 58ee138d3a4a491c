// The cloud-init example passes Debian's own validator (cloud-init schema), and the qus config it
// writes is one `qus validate` accepts.
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { projectRoot, runCli } from "../helpers/fixtures.js";

const USER_DATA = join(projectRoot, "examples", "cloud-init", "user-data.yaml");
let dir: string;

function cloudInitSchema(file: string) {
  return spawnSync("cloud-init", ["schema", "--config-file", file], {
    encoding: "utf8",
    timeout: 60_000,
  });
}

beforeAll(async () => {
  const probe = spawnSync("cloud-init", ["--version"], { encoding: "utf8" });
  if (probe.status !== 0)
    throw new Error(
      "cloud-init is not installed: run scripts/setup.sh (it installs Debian's cloud-init)",
    );
  dir = await mkdtemp(join(tmpdir(), "qus-cloud-init-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("examples/cloud-init/user-data.yaml", () => {
  it("is valid cloud-config according to cloud-init schema", { timeout: 60_000 }, () => {
    const result = cloudInitSchema(USER_DATA);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/Valid cloud-config/);
    expect(result.status).toBe(0);
  });

  it("the validator does catch a broken copy (so the check above means something)", {
    timeout: 60_000,
  }, async () => {
    const broken = join(dir, "broken.yaml");
    await writeFile(
      broken,
      (await readFile(USER_DATA, "utf8")).replace("runcmd:", "runcmd: 42\nruncmd_unused:"),
    );
    const result = cloudInitSchema(broken);
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/runcmd/);
  });

  it("writes a qus config that qus validates, applies it with --verify, and persists", async () => {
    const data = parse(await readFile(USER_DATA, "utf8"));
    const file = data.write_files.find(
      (f: { path: string }) => f.path === "/etc/qus/qus.config.yaml",
    );
    const config = join(dir, "qus.config.yaml");
    await writeFile(config, file.content, { mode: 0o644 });
    const validate = await runCli(["validate", "-c", config]);
    expect(validate.stderr).toBe("");
    expect(validate.code).toBe(0);
    expect(parse(file.content).persist).toBe(true);
    expect(data.runcmd).toContainEqual([
      "qus",
      "apply",
      "--auto-approve",
      "--verify",
      "--config",
      "/etc/qus/qus.config.yaml",
    ]);
  });
});
