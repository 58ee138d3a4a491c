// Finding and loading a config in every supported format, and the refusals around it.
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { ConfigError, ConfigNotFoundError } from "../../src/errors.js";
import { configDir, configError, MINIMAL_YAML } from "./helpers.js";

const AS_OBJECT = '{ targets: ["arm64"], source: { type: "local", path: "/usr/bin" } }';
const AS_JSON = JSON.stringify(
  { targets: ["arm64"], source: { type: "local", path: "/usr/bin" } },
  null,
  2,
);
const AS_YAML = "targets: [arm64]\nsource:\n  type: local\n  path: /usr/bin\n";
const AS_TS = [
  'const targets: string[] = ["arm64"];',
  'type Source = { type: "local"; path: string };',
  'const source: Source = { type: "local", path: "/usr/bin" };',
  "export default { targets, source };",
].join("\n");

const FORMATS: [string, string][] = [
  ["qus.config.json", AS_JSON],
  ["qus.config.yaml", AS_YAML],
  ["qus.config.yml", AS_YAML],
  ["qus.config.js", `export default ${AS_OBJECT};`],
  ["qus.config.mjs", `export default ${AS_OBJECT};`],
  ["qus.config.cjs", `module.exports = ${AS_OBJECT};`],
  ["qus.config.ts", AS_TS],
  [".qusrc", AS_YAML],
  [".qusrc.json", AS_JSON],
  [".qusrc.yaml", AS_YAML],
  [".qusrc.yml", AS_YAML],
  [".qusrc.js", `module.exports = ${AS_OBJECT};`],
  [".qusrc.mjs", `export default ${AS_OBJECT};`],
  [".qusrc.cjs", `module.exports = ${AS_OBJECT};`],
  [".qusrc.ts", AS_TS],
  [
    "package.json",
    JSON.stringify({ name: "site", version: "1.0.0", qus: JSON.parse(AS_JSON) as unknown }),
  ],
];

describe("discovery in the current directory", () => {
  test.each(FORMATS)("finds and loads %s", async (name, content) => {
    const dir = await configDir({ [name]: content });
    const config = await loadConfig({ cwd: dir });
    expect(config.file).toBe(join(dir, name));
    expect(config.targets).toEqual([
      {
        target: "aarch64",
        requestedAs: "arm64",
        flags: "POF",
        enabled: true,
        allowHostFamily: false,
      },
    ]);
    expect(config.source).toEqual({
      type: "local",
      path: "/usr/bin",
      patterns: ["qemu-{target}-static", "qemu-{target}"],
    });
  });

  test("no config: ConfigNotFoundError saying where it looked, suggesting --config and qus init", async () => {
    const dir = await configDir({ "package.json": JSON.stringify({ name: "no-qus-key" }) });
    const error = await configError(loadConfig({ cwd: dir }));
    expect(error).toBeInstanceOf(ConfigNotFoundError);
    expect(error.message).toBe(
      `no qus config found in ${dir} (looked for qus.config.{json,yaml,yml,js,mjs,cjs,ts}, .qusrc, ` +
        '.qusrc.{json,yaml,yml,js,mjs,cjs,ts}, or a "qus" key in package.json)',
    );
    expect(error.hint).toBe("pass the file with --config PATH, or create one with `qus init`");
  });

  test("only the current directory is searched, never its parents", async () => {
    const dir = await configDir({ "qus.config.yaml": MINIMAL_YAML });
    await mkdir(join(dir, "child"));
    expect(await configError(loadConfig({ cwd: join(dir, "child") }))).toBeInstanceOf(
      ConfigNotFoundError,
    );
  });

  test("two configs: an error naming both instead of a silent choice", async () => {
    const dir = await configDir({
      "qus.config.yaml": MINIMAL_YAML,
      "package.json": JSON.stringify({ name: "x", qus: { targets: [] } }),
    });
    const error = await configError(loadConfig({ cwd: dir }));
    expect(error).not.toBeInstanceOf(ConfigNotFoundError);
    expect(error.message).toBe(`more than one qus config in ${dir}: qus.config.yaml, package.json`);
    expect(error.hint).toBe("keep one of them, or choose one with --config PATH");
  });
});

describe("--config", () => {
  test("loads exactly that file, relative to cwd, even when the directory has a config", async () => {
    const dir = await configDir({
      "qus.config.yaml": MINIMAL_YAML,
      "other/custom.yaml": "targets: [riscv]\nsource: {type: local, path: /opt/qemu/bin}\n",
    });
    const config = await loadConfig({ cwd: dir, configPath: "other/custom.yaml" });
    expect(config.file).toBe(join(dir, "other/custom.yaml"));
    expect(config.targets.map((t) => t.target)).toEqual(["riscv64"]);
  });

  test("the extension picks the format; none means YAML", async () => {
    const dir = await configDir({
      "site-config": AS_YAML,
      "looks-like.json": "targets: [arm64]\n",
      "settings.conf": AS_YAML,
    });
    expect((await loadConfig({ cwd: dir, configPath: "site-config" })).targets[0]?.target).toBe(
      "aarch64",
    );
    const json = await configError(loadConfig({ cwd: dir, configPath: "looks-like.json" }));
    expect(json.message).toMatch(/^looks-like\.json:1:1: invalid JSON: /);
    const conf = await configError(loadConfig({ cwd: dir, configPath: "settings.conf" }));
    expect(conf.message).toBe(
      'config file settings.conf has an unsupported extension ".conf" (use .json, .yaml, .yml, .js, .mjs, .cjs, .ts, or no extension for YAML)',
    );
  });

  test("a missing file, a directory and a package.json without a qus key are clear errors", async () => {
    const dir = await configDir({ "package.json": JSON.stringify({ name: "x" }) });
    await mkdir(join(dir, "adir"));
    const missing = await configError(loadConfig({ cwd: dir, configPath: "nope.yaml" }));
    expect(missing.message).toBe("config file nope.yaml does not exist");
    const directory = await configError(loadConfig({ cwd: dir, configPath: "adir" }));
    expect(directory.message).toBe("config file adir is not a regular file");
    const pkg = await configError(loadConfig({ cwd: dir, configPath: "package.json" }));
    expect(pkg.message).toBe('package.json has no "qus" key');
  });

  test("a UTF-16 or UTF-32 file is named by its encoding, at 1:1, with how to convert it", async () => {
    const dir = await configDir();
    const text = `\uFEFF${MINIMAL_YAML}`;
    await writeFile(join(dir, "utf16.yaml"), Buffer.from(text, "utf16le"));
    const utf16 = await configError(loadConfig({ cwd: dir, configPath: "utf16.yaml" }));
    expect(utf16.message).toBe(
      "utf16.yaml:1:1: the file is UTF-16LE text (it starts with a byte order mark FF FE); qus reads UTF-8 only",
    );
    expect(utf16.hint).toBe("save it as UTF-8, e.g. iconv -f UTF-16LE -t UTF-8");
    expect(utf16.problems.map((p) => [p.position.line, p.position.column])).toEqual([[1, 1]]);
    await writeFile(
      join(dir, "utf16be.json"),
      Buffer.from(JSON.stringify({ targets: [] }), "utf16le").swap16(),
    );
    const utf16be = await configError(loadConfig({ cwd: dir, configPath: "utf16be.json" }));
    expect(utf16be.message).toMatch(
      /^utf16be\.json:1:1: the file is UTF-16BE text \(it starts with NUL bytes between the characters\)/,
    );
  });

  test("a file name with control characters is shown escaped", async () => {
    const dir = await configDir({ "bad\u001b[2J.toml": "" });
    const error = await configError(loadConfig({ cwd: dir, configPath: "bad\u001b[2J.toml" }));
    expect(error.message).toMatch(
      /^config file bad\\u001b\[2J\.toml has an unsupported extension "\.toml"/,
    );
  });

  test("a file outside cwd is named by its absolute path", async () => {
    const dir = await configDir({
      "qus.config.yaml": "targets: [nope]\nsource: {type: local, path: /x}\n",
    });
    const elsewhere = await configDir();
    const error = await configError(
      loadConfig({ cwd: elsewhere, configPath: join(dir, "qus.config.yaml") }),
    );
    expect(error.message).toMatch(
      new RegExp(`^${join(dir, "qus.config.yaml")}:1:11: targets\\[0\\]: unknown target "nope"`),
    );
    expect(error.problems[0]?.position.file).toBe(join(dir, "qus.config.yaml"));
  });
});

describe("refusals that protect a tool run as root", () => {
  test("a config writable by every user is refused", async () => {
    const dir = await configDir({ "qus.config.yaml": MINIMAL_YAML });
    await chmod(join(dir, "qus.config.yaml"), 0o666);
    const error = await configError(loadConfig({ cwd: dir }));
    expect(error.message).toBe(
      "config file qus.config.yaml is writable by every user, so qus refuses it",
    );
    expect(error.hint).toBe("remove write permission for others: chmod o-w qus.config.yaml");
  });

  test("a config over 1 MiB is refused before it is parsed", async () => {
    const dir = await configDir();
    await writeFile(join(dir, "qus.config.yaml"), MINIMAL_YAML + "#".repeat(1024 * 1024));
    const error = await configError(loadConfig({ cwd: dir }));
    expect(error.message).toMatch(
      /^config file qus\.config\.yaml is \d+ bytes; qus refuses configs over 1048576 bytes$/,
    );
  });
});

describe("paths and defaults", () => {
  test("relative paths are resolved against the config file's directory, not cwd", async () => {
    const dir = await configDir({
      "site/qus.config.yaml": [
        "targets: [aarch64]",
        "source: {type: debian, suite: trixie, keyring: keys/debian.gpg}",
        "installDir: ./emulators",
        "stateFile: state/state.json",
        "cacheDir: cache",
        "lockFile: ../locks/qus.lock.json",
        "binfmtDir: /proc/sys/fs/binfmt_misc/",
      ].join("\n"),
      "local/qus.config.json": JSON.stringify({
        targets: [],
        source: { type: "local", path: "../bin" },
      }),
    });
    const site = await loadConfig({ cwd: dir, configPath: "site/qus.config.yaml" });
    expect(site.installDir).toBe(join(dir, "site/emulators"));
    expect(site.stateFile).toBe(join(dir, "site/state/state.json"));
    expect(site.cacheDir).toBe(join(dir, "site/cache"));
    expect(site.lockFile).toBe(join(dir, "locks/qus.lock.json"));
    expect(site.binfmtDir).toBe("/proc/sys/fs/binfmt_misc");
    expect(site.source).toEqual({
      type: "debian",
      suites: ["trixie"],
      keyring: join(dir, "site/keys/debian.gpg"),
    });
    const local = await loadConfig({
      cwd: join(dir, "site"),
      configPath: "../local/qus.config.json",
    });
    expect(local.source).toMatchObject({ type: "local", path: join(dir, "bin") });
  });

  test("lockFile defaults to qus.lock.json beside the config; cacheDir follows the user", async () => {
    const dir = await configDir({ "qus.config.yaml": MINIMAL_YAML });
    const env = { HOME: "/home/someone", XDG_CACHE_HOME: "/srv/cache" };
    const config = await loadConfig({ cwd: dir, env });
    expect(config.lockFile).toBe(join(dir, "qus.lock.json"));
    const expected = process.geteuid?.() === 0 ? "/var/cache/qus" : "/srv/cache/qus";
    expect(config.cacheDir).toBe(expected);
  });

  test("ConfigError is what every user-caused failure throws", async () => {
    const dir = await configDir({ "qus.config.yaml": "targets: [\n" });
    const error = await configError(loadConfig({ cwd: dir }));
    expect(error).toBeInstanceOf(ConfigError);
  });
});
