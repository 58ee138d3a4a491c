// The single-file bundle runs with only `node`: copied alone into an empty directory (no
// node_modules anywhere above it), it validates configs with the embedded schema and plans.
import { spawn, spawnSync } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot, qemuDir, requireFixtures } from "../helpers/fixtures.js";
import { startSandbox } from "../helpers/sandbox.js";

let work: string;
let bundle: string;

function node(
  args: readonly string[],
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // A minimal environment: nothing that could point node at the project's modules.
    const child = spawn(process.execPath, [...args], {
      cwd,
      env: { PATH: "/usr/bin:/bin", HOME: cwd, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  requireFixtures();
  work = await mkdtemp(join(tmpdir(), "qus-bundle-"));
  const built = join(work, "build", "qus.mjs");
  const result = spawnSync(process.execPath, [join(projectRoot, "scripts", "bundle.mjs"), built], {
    cwd: projectRoot,
    encoding: "utf8",
    timeout: 60_000,
  });
  if (result.status !== 0)
    throw new Error(
      `scripts/bundle.mjs failed (is esbuild installed? npm ci):\n${result.stdout}${result.stderr}`,
    );
  const empty = join(work, "host");
  await mkdir(empty);
  bundle = join(empty, "qus.mjs");
  await copyFile(built, bundle);
}, 90_000);
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe("the single-file bundle", () => {
  it("is one file with a node shebang", async () => {
    expect((await stat(bundle)).size).toBeGreaterThan(100_000);
    const head = spawnSync("head", ["-c", "20", bundle], { encoding: "utf8" }).stdout;
    expect(head.startsWith("#!/usr/bin/env node\n")).toBe(true);
  });

  it("runs `node qus.mjs plan` with no node_modules", async () => {
    const dir = join(work, "host");
    await writeFile(
      join(dir, "qus.config.json"),
      `${JSON.stringify({ targets: ["aarch64", "riscv64"], source: { type: "local", path: qemuDir() }, installDir: "./emulators", stateFile: "./state.json", cacheDir: "./cache", persist: false })}\n`,
    );
    expect((await node([bundle, "--version"], dir)).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    // The plan reads binfmt_misc: a private instance, never the host's.
    const sandbox = await startSandbox();
    const plan = await sandbox
      .run(process.execPath, [bundle, "plan", "--detailed-exitcode"], {
        cwd: dir,
        env: { NODE_PATH: "", NODE_OPTIONS: "", NO_COLOR: "1" },
      })
      .finally(() => sandbox.stop());
    expect(plan.stderr).toBe("");
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('+ registration "qemu-riscv64"');
    expect(plan.stdout).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy\./);
  });

  it("reports config errors with file:line:col, from the embedded schema", async () => {
    const dir = join(work, "host");
    await writeFile(
      join(dir, "bad.yaml"),
      "targets:\n  - aarch46\nsource:\n  type: local\n  path: /usr/bin\n",
    );
    const validate = await node([bundle, "validate", "-c", "bad.yaml"], dir);
    expect(validate.code).toBe(1);
    expect(validate.stderr).toMatch(/bad\.yaml:2:5/);
    expect(validate.stderr).toContain("aarch64");
  });
});
