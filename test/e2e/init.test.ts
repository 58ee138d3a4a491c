// `qus init` writes a commented starter config that the other commands accept, and never
// overwrites a file or adds a second config beside an existing one.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { cliPath, qemuDir, runCli } from "../helpers/fixtures.js";
import { startSandbox } from "../helpers/sandbox.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "qus-init-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("qus init", () => {
  it("writes a commented YAML config with $schema that validate accepts", async () => {
    const init = await runCli(["init", "--targets", "arm64,armhf,riscv64"], { cwd: dir });
    expect(init).toMatchObject({ code: 0, stderr: "" });
    const text = await readFile(join(dir, "qus.config.yaml"), "utf8");
    expect(text).toMatch(/^# yaml-language-server: \$schema=\S+qus\.config\.schema\.json\n/);
    expect(text).toMatch(/^# binfmt flags/m);
    const data = parse(text);
    expect(data).toMatchObject({
      targets: ["aarch64", "arm", "riscv64"],
      flags: "POF",
      source: { type: "debian" },
    });
    expect(data.$schema).toMatch(/qus\.config\.schema\.json$/);
    expect(JSON.parse(await readFile(resolve(dir, data.$schema), "utf8")).title).toBe(
      "qus configuration",
    );

    const validate = await runCli(["validate", "--json"], { cwd: dir });
    expect(validate.code).toBe(0);
    expect(JSON.parse(validate.stdout).targets).toEqual(["aarch64", "arm", "riscv64"]);
  });

  it.each(["debian", "fedora", "local"])(
    "writes a valid starter for --source %s",
    async (source) => {
      const init = await runCli(
        ["init", "--source", source, "-c", "q.yaml", "--emulators", qemuDir()],
        { cwd: dir },
      );
      expect(init.code).toBe(0);
      const written = parse(await readFile(join(dir, "q.yaml"), "utf8")).source;
      expect(written.type).toBe(source);
      // Current defaults: Debian stable with its backports, a supported Fedora, a range that
      // excludes the known issues.
      if (source === "debian")
        expect(written).toMatchObject({ suite: ["trixie-backports", "trixie"], qemu: ">=9.2.0" });
      if (source === "fedora") {
        expect(written.release).toBeGreaterThanOrEqual(43);
        expect(written.qemu).toBe(">=9.2.0");
      }
      expect((await runCli(["validate", "-c", "q.yaml"], { cwd: dir })).code).toBe(0);
    },
  );

  it("a local starter plans with the emulators it names", async () => {
    expect(
      (
        await runCli(
          ["init", "--source", "local", "--emulators", qemuDir(), "--targets", "aarch64"],
          { cwd: dir },
        )
      ).code,
    ).toBe(0);
    const text = await readFile(join(dir, "qus.config.yaml"), "utf8");
    // Keep the plan inside the scratch directory: the default paths are the host's.
    await writeFile(
      join(dir, "qus.config.yaml"),
      `${text}installDir: ./emulators\nstateFile: ./state.json\npersist: false\n`,
    );
    // In a private binfmt_misc: a plan reads the kernel's entries, never the host's.
    const sandbox = await startSandbox();
    try {
      const plan = await sandbox.run(process.execPath, [cliPath(), "plan", "--no-color"], {
        cwd: dir,
      });
      expect(plan.stderr).toBe("");
      expect(plan.stdout).toContain("qemu-aarch64");
    } finally {
      await sandbox.stop();
    }
  });

  it("refuses to overwrite a file or to add a second config", async () => {
    await writeFile(join(dir, "qus.config.yaml"), "targets: []\n");
    const again = await runCli(["init"], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /qus\.config\.yaml already exists; qus init never overwrites a file/,
    );
    expect(await readFile(join(dir, "qus.config.yaml"), "utf8")).toBe("targets: []\n");

    await rm(join(dir, "qus.config.yaml"));
    await writeFile(join(dir, "qus.config.json"), "{}\n");
    const second = await runCli(["init"], { cwd: dir });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain("qus.config.json already configures qus here");
  });

  it("rejects unknown targets with a suggestion, and non-YAML file names", async () => {
    const typo = await runCli(["init", "--targets", "aarch46"], { cwd: dir });
    expect(typo).toMatchObject({
      code: 1,
      stderr: 'Error: unknown target "aarch46" in --targets (did you mean "aarch64"?)\n',
    });
    const json = await runCli(["init", "-c", "qus.config.json"], { cwd: dir });
    expect(json.code).toBe(1);
    expect(json.stderr).toContain("qus init writes YAML");
  });
});
