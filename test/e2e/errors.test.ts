// Every failure a user can cause ends in a clear message, exit code 1, no stack trace, and no
// change to the kernel or the disk. Run with the real CLI against a private binfmt_misc.
import { readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliPath } from "../helpers/fixtures.js";
import { baseConfig, openHarness, type Harness } from "./harness.js";

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
});
afterAll(async () => {
  await h.close();
});

async function expectUntouched(): Promise<void> {
  expect(
    (await h.sh("ls /proc/sys/fs/binfmt_misc")).stdout.split("\n").filter(Boolean).sort(),
  ).toEqual(["register", "status"]);
  expect(
    (await readdir(h.dir)).filter((f) => f !== "qus.config.json" && f !== "qus.config.yaml"),
  ).toEqual([]);
}

function expectUserError(result: { code: number; stderr: string }, pattern: RegExp): void {
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
  expect(result.stderr).not.toContain("Internal error");
}

describe("config errors", () => {
  const cases: [string, string, RegExp][] = [
    [
      "unknown target with a suggestion",
      `targets: [aarch46]\nsource: {type: local, path: /x}\n`,
      /qus\.config\.yaml:1:\d+: .*"aarch46".*did you mean "aarch64"/,
    ],
    [
      "unknown key",
      `targets: [aarch64]\nsource: {type: local, path: /x}\nprefx: q-\n`,
      /qus\.config\.yaml:3:1: .*prefx/,
    ],
    [
      "bad flags",
      `targets: [aarch64]\nflags: PXF\nsource: {type: local, path: /x}\n`,
      /qus\.config\.yaml:2:\d+: .*flags/,
    ],
    [
      "C without consent",
      `targets: [aarch64]\nflags: CF\nsource: {type: local, path: /x}\n`,
      /qus\.config\.yaml:2:\d+: .*allowCredentials/,
    ],
    ["YAML syntax", `targets: [aarch64\nsource: {type: local}\n`, /qus\.config\.yaml:\d+:\d+/],
    ["missing source", `targets: [aarch64]\n`, /qus\.config\.yaml.*source/],
    [
      "injected delimiter in installDir",
      `targets: [aarch64]\nsource: {type: local, path: /x}\ninstallDir: "/opt/a:b"\n`,
      /qus\.config\.yaml:3:\d+: .*installDir/,
    ],
  ];
  for (const [title, yaml, pattern] of cases) {
    it(`${title}: exit 1, positioned message, nothing touched (plan and apply)`, async () => {
      await writeFile(join(h.dir, "qus.config.yaml"), yaml);
      for (const command of [["plan"], ["apply", "--auto-approve"], ["validate"]]) {
        expectUserError(await h.qus(...command, "-c", "qus.config.yaml"), pattern);
      }
      await expectUntouched();
    });
  }

  it("no config found: says where it looked", async () => {
    const result = await h.sandbox.run(process.execPath, [cliPath(), "plan"], { cwd: "/" });
    expectUserError(result, /config/i);
  });

  it("a missing --config file names the path", async () => {
    expectUserError(await h.qus("plan", "-c", "nope.json"), /nope\.json/);
  });
});

describe("source and kernel errors", () => {
  beforeAll(async () => {
    await rm(join(h.dir, "qus.config.yaml"), { force: true });
  });

  it("an emulator missing from the local directory is named, and nothing is installed", async () => {
    await h.writeConfig(baseConfig(h.dir, { source: { type: "local", path: h.dir } }));
    expectUserError(
      await h.qus("apply", "--auto-approve"),
      /No emulator in .* for aarch64, riscv64/,
    );
    await expectUntouched();
  });

  it("an installDir qus cannot write to fails cleanly, leaving nothing registered", async () => {
    await h.sh(`mkdir -p ${h.dir}/ro && mount -t tmpfs -o ro tmpfs ${h.dir}/ro`);
    await h.writeConfig(baseConfig(h.dir, { installDir: join(h.dir, "ro", "bin") }));
    const result = await h.qus("apply", "--auto-approve");
    await h.sh(`umount ${h.dir}/ro && rmdir ${h.dir}/ro`);
    expectUserError(result, /ro\/bin/);
    expect((await h.sh("ls /proc/sys/fs/binfmt_misc")).stdout).not.toContain("qemu-");
  });
});

describe("messages a newcomer hits", () => {
  beforeAll(async () => {
    await rm(join(h.dir, "qus.config.yaml"), { force: true });
    // What the installDir test above left (its failed apply made the state directory).
    await rm(join(h.dir, "state"), { recursive: true, force: true });
  });
  const mountPoints = async () => (await h.sh("cut -d' ' -f5 /proc/self/mountinfo")).stdout;

  it("a source.path that does not exist, or is a file, says so at its position", async () => {
    const mountsBefore = await mountPoints();
    const missing = join(h.dir, "no-such-dir");
    for (const [path, says] of [
      [missing, "does not exist"],
      [join(missing, "below"), "does not exist"],
      ["/etc/hostname", "is not a directory"],
    ] as const) {
      await h.writeConfig(baseConfig(h.dir, { source: { type: "local", path } }));
      for (const command of [["plan"], ["apply", "--auto-approve"]]) {
        const result = await h.qus(...command);
        expectUserError(
          result,
          new RegExp(`^Error: qus\\.config\\.json:\\d+:\\d+: source\\.path "${path}" ${says}\\n`),
        );
        expect(result.stderr).not.toContain("No emulator in");
      }
    }
    await expectUntouched();
    expect(await mountPoints()).toBe(mountsBefore);
  });

  it("a JSON trailing comma gets file:line:column", async () => {
    await writeFile(h.configPath, `{\n  "targets": ["aarch64",],\n  "persist": false\n}\n`);
    expectUserError(
      await h.qus("plan"),
      /^Error: qus\.config\.json:2:24: invalid JSON: trailing comma before '\]'/,
    );
    await writeFile(h.configPath, `{\n  "targets": ["aarch64"],\n  "persist": false,\n}\n`);
    expectUserError(
      await h.qus("validate"),
      /^Error: qus\.config\.json:3:19: invalid JSON: trailing comma before '\}'/,
    );
    await expectUntouched();
  });

  it("targets: [] with prune warns, at its position, that apply removes every entry qus owns", async () => {
    await h.writeConfig(baseConfig(h.dir, { targets: [], prune: true }));
    const text = await h.qus("plan");
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /Warning: qus\.config\.json:2:14: targets is empty and prune is on: apply removes every binfmt_misc entry qus owns \(prefix "qemu-"\)/,
    );
    const json = JSON.parse((await h.qus("plan", "--json")).stdout);
    expect(json.warnings.join("\n")).toContain("targets is empty and prune is on");
    await h.writeConfig(baseConfig(h.dir, { targets: [], prune: false }));
    expect((await h.qus("plan")).stdout).not.toContain("targets is empty");
  });

  it("unknown commands and options get 'did you mean'; options may stand before the command", async () => {
    expectUserError(await h.qus("aply"), /unknown command 'aply' \(did you mean "apply"\?\)/);
    expectUserError(await h.qus("--hlep"), /unknown option '--hlep' \(did you mean "--help"\?\)/);
    expectUserError(
      await h.qus("plan", "--hlep"),
      /unknown option '--hlep' for 'qus plan' \(did you mean "--help"\?\)/,
    );
    await h.writeConfig(baseConfig(h.dir));
    await h.sh("mkdir -p sub");
    const before = await h.sandbox.run(
      process.execPath,
      [cliPath(), "-c", "../qus.config.json", "plan"],
      {
        cwd: join(h.dir, "sub"),
        env: { NO_COLOR: "1" },
      },
    );
    expect(before.stderr).toBe("");
    expect(before.code).toBe(0);
    expect(before.stdout).toContain('registration "qemu-aarch64" will be registered');
    await h.sh("rmdir sub");
  });
});

describe("colour on a terminal", () => {
  /** Runs qus on a pseudo-terminal (script) with a clean colour environment plus `env`. */
  const onTty = (args: string, env = "") =>
    h.sh(
      `env -u NO_COLOR -u FORCE_COLOR TERM=xterm ${env} script -qec "${process.execPath} ${cliPath()} ${args}" /dev/null`,
    );
  const RED_ERROR = "\x1b[1m\x1b[31mError:\x1b[39m\x1b[22m";
  const YELLOW_WARNING = "\x1b[1m\x1b[33mWarning:\x1b[39m\x1b[22m";

  it("errors are red and warnings yellow, unless NO_COLOR or --no-color", async () => {
    const coloured = await onTty("aply");
    expect(coloured.code).toBe(1);
    expect(coloured.stdout).toContain(`${RED_ERROR} unknown command 'aply'`);
    for (const plain of [await onTty("--no-color aply"), await onTty("aply", "NO_COLOR=1")]) {
      expect(plain.code).toBe(1);
      expect(plain.stdout).toContain("Error: unknown command 'aply'");
      expect(plain.stdout).not.toContain("\x1b[");
    }
    await h.writeConfig(baseConfig(h.dir, { targets: [], prune: true }));
    const warned = await onTty("plan");
    expect(warned.code).toBe(0);
    expect(warned.stdout).toContain(`${YELLOW_WARNING} qus.config.json:`);
    expect((await onTty("plan --no-color")).stdout).not.toContain("\x1b[");
  });
});
