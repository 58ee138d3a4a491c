// What a config means and every way it can be wrong, with the exact file:line:column users see.
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { TARGETS } from "../../src/catalog/targets.js";
import { CONFIG_DEFAULTS } from "../../src/config/types.js";
import { ConfigError } from "../../src/errors.js";
import { configDir, configError, MINIMAL_YAML } from "./helpers.js";

async function load(name: string, content: string) {
  const dir = await configDir({ [name]: content });
  return loadConfig({ cwd: dir });
}

async function problemsIn(name: string, content: string): Promise<string[]> {
  const error = await configError(load(name, content));
  return error.message.split("\n");
}

const ROOT_KEYS =
  "$schema, targets, flags, allowCredentials, source, installDir, prefix, hostCpu, prune, binfmtDir, stateFile, persist, binfmtDDir, cacheDir, lockFile";

describe("a valid config", () => {
  test("gets every default", async () => {
    const config = await load("qus.config.yaml", MINIMAL_YAML);
    expect(config).toMatchObject({
      flags: CONFIG_DEFAULTS.flags,
      allowCredentials: CONFIG_DEFAULTS.allowCredentials,
      installDir: CONFIG_DEFAULTS.installDir,
      prefix: CONFIG_DEFAULTS.prefix,
      prune: CONFIG_DEFAULTS.prune,
      binfmtDir: CONFIG_DEFAULTS.binfmtDir,
      stateFile: CONFIG_DEFAULTS.stateFile,
      source: { type: "local", path: "/usr/bin", patterns: [...CONFIG_DEFAULTS.localPatterns] },
    });
    expect(config.targets).toEqual([
      {
        target: "aarch64",
        requestedAs: "aarch64",
        flags: "POF",
        enabled: true,
        allowHostFamily: false,
      },
    ]);
  });

  test("resolves aliases case-insensitively and keeps what the user wrote", async () => {
    const config = await load(
      "qus.config.yaml",
      "targets: [armhf, AArch64, ppc64el, loong64, {name: amd64, hostFamily: true, enabled: false}]\n" +
        "source: {type: local, path: /usr/bin}\n",
    );
    expect(
      config.targets.map((t) => [t.target, t.requestedAs, t.enabled, t.allowHostFamily]),
    ).toEqual([
      ["arm", "armhf", true, false],
      ["aarch64", "AArch64", true, false],
      ["ppc64le", "ppc64el", true, false],
      ["loongarch64", "loong64", true, false],
      ["x86_64", "amd64", false, true],
    ]);
  });

  test("normalises flags to the kernel's order, C adding O, per-target flags replacing the default", async () => {
    const config = await load(
      "qus.config.yaml",
      [
        "flags: FOP",
        "allowCredentials: true",
        "targets: [aarch64, {name: arm, flags: CF}, {name: riscv64, flags: C}, {name: s390x, flags: ''}, {name: ppc64le, flags: FP}]",
        "source: {type: local, path: /usr/bin}",
      ].join("\n"),
    );
    expect(config.flags).toBe("POF");
    expect(config.targets.map((t) => t.flags)).toEqual(["POF", "OCF", "OC", "", "PF"]);
  });

  test("accepts an empty target list (with prune, it removes everything qus owns)", async () => {
    const config = await load(
      "qus.config.json",
      JSON.stringify({ targets: [], source: { type: "local", path: "/x" } }),
    );
    expect(config.targets).toEqual([]);
  });

  test("a local pattern may be one string; a debian source keeps only what was set", async () => {
    const local = await load(
      "qus.config.yaml",
      "targets: []\nsource: {type: local, path: /opt/q, pattern: 'qemu-{target}'}\n",
    );
    expect(local.source).toEqual({ type: "local", path: "/opt/q", patterns: ["qemu-{target}"] });
    const debian = await load(
      "qus.config.yaml",
      "targets: []\nsource:\n  type: debian\n  suite: bookworm\n  mirror: https://deb.example.org/debian\n" +
        "  securityMirror: http://security.example.org/debian-security\n  version: '1:7.2+dfsg-7+deb12u18'\n  security: false\n",
    );
    expect(debian.source).toEqual({
      type: "debian",
      suites: ["bookworm"],
      mirror: "https://deb.example.org/debian",
      securityMirror: "http://security.example.org/debian-security",
      version: "1:7.2+dfsg-7+deb12u18",
      security: false,
    });
  });

  test("accepts a $schema key for editors", async () => {
    const config = await load(
      "qus.config.yaml",
      `$schema: ./schemas/qus.config.schema.json\n${MINIMAL_YAML}`,
    );
    expect(config.targets).toHaveLength(1);
  });
});

describe("problems are all reported at once, each at its line and column", () => {
  test("YAML: targets, flags, unknown keys, types, paths and the source", async () => {
    const yaml = [
      "targets:", //                    1
      "  - aarch64", //                 2
      "  - aarch46", //                 3
      "  - 42", //                      4
      "  - name: arm64", //             5
      "    flags: FOP", //              6
      "  - name: riscv64", //           7
      "    color: blue", //             8
      "  - name: s390x", //             9
      "    flags: PPF", //              10
      "flags: pof", //                  11
      'prune: "yes"', //                12
      "prefx: qemu-", //                13
      "installDir: /opt/a:b", //        14
      "source:", //                     15
      "  type: local", //               16
      "  pth: /usr/bin", //             17
    ].join("\n");
    expect(await problemsIn("qus.config.yaml", yaml)).toEqual([
      'qus.config.yaml:3:5: targets[1]: unknown target "aarch46" (did you mean "aarch64"?)',
      "qus.config.yaml:4:5: targets[2]: expected a string or an object, found the number 42",
      'qus.config.yaml:5:11: targets[3].name: "arm64" means aarch64, which is already listed as targets[0]; list each target once',
      'qus.config.yaml:8:5: targets[4]: unknown key "color" (allowed: name, flags, enabled, hostFamily)',
      'qus.config.yaml:10:12: targets[5].flags: "P" appears more than once in "PPF"; give each flag once',
      'qus.config.yaml:11:8: flags: expected only the flag letters P, O, C and F (upper case), found "pof"',
      'qus.config.yaml:12:8: prune: expected true or false, found "yes"',
      `qus.config.yaml:13:1: unknown key "prefx" (did you mean "prefix"? allowed: ${ROOT_KEYS})`,
      'qus.config.yaml:14:13: installDir: expected a path without ":", line breaks or NUL characters (":" separates the fields of the kernel\'s register line), found "/opt/a:b"',
      'qus.config.yaml:15:1: source: missing required key "path"',
      'qus.config.yaml:17:3: source: unknown key "pth" (did you mean "path"? allowed: type, path, pattern)',
    ]);
  });

  test("the problems carry pointer and position for programs", async () => {
    const error = await configError(
      load("qus.config.yaml", "targets: [aarch64, nope]\nsource: {type: local, path: /x}\n"),
    );
    expect(error.problems).toEqual([
      {
        position: { file: expect.stringMatching(/\/qus\.config\.yaml$/), line: 1, column: 20 },
        pointer: "/targets/1",
        message: expect.stringMatching(
          /^targets\[1\]: unknown target "nope" \(known targets: i386, i486, alpha, .*, loongarch64\)$/,
        ),
      },
    ]);
  });

  test("JSON keeps positions too", async () => {
    const json = [
      "{",
      '  "targets": ["aarch64", "x86-64", "sparc65"],',
      '  "source": {"type": "debian", "suite": "trixie", "mirror": "ftp://deb.example.org/debian"}',
      "}",
    ].join("\n");
    expect(await problemsIn("qus.config.json", json)).toEqual([
      'qus.config.json:2:36: targets[2]: unknown target "sparc65" (did you mean "sparc64"?)',
      'qus.config.json:3:61: source.mirror: expected an http:// or https:// URL, found "ftp://deb.example.org/debian"',
    ]);
  });

  test("package.json: positions inside the qus key, fields named from the config's root", async () => {
    const json = [
      "{",
      '  "name": "site",',
      '  "qus": {',
      '    "targets": ["aarch64"],',
      '    "source": {"type": "local"}',
      "  }",
      "}",
    ].join("\n");
    expect(await problemsIn("package.json", json)).toEqual([
      'package.json:5:5: source: missing required key "path"',
    ]);
  });

  test("JS configs have no positions: problems are named by file", async () => {
    const lines = await problemsIn(
      "qus.config.mjs",
      'export default { targets: ["aarch64", "riscv46"], source: { type: "local" } };',
    );
    expect(lines).toEqual([
      'qus.config.mjs: source: missing required key "path"',
      'qus.config.mjs: targets[1]: unknown target "riscv46" (did you mean "riscv64"?)',
    ]);
  });
});

describe("the source", () => {
  test("a missing type lists the types; an unknown one suggests the closest", async () => {
    expect(await problemsIn("qus.config.yaml", "targets: []\nsource:\n  path: /usr/bin\n")).toEqual(
      [
        'qus.config.yaml:2:1: source: missing required key "type" (one of "local", "debian", "fedora")',
      ],
    );
    expect(
      await problemsIn(
        "qus.config.yaml",
        "targets: []\nsource:\n  type: loacl\n  path: /usr/bin\n",
      ),
    ).toEqual([
      'qus.config.yaml:3:9: source.type: expected one of "local", "debian", "fedora", found "loacl" (did you mean "local"?)',
    ]);
    expect(await problemsIn("qus.config.yaml", "targets: []\nsource: local\n")).toEqual([
      'qus.config.yaml:2:9: source: expected an object, found "local"',
    ]);
  });

  test("errors come from the branch the type selects (debian)", async () => {
    const yaml = [
      "targets: []",
      "source:",
      "  type: debian",
      "  suite: ../../etc",
      "  mirrors: http://deb.example.org/debian",
      "  mirror: 'http://[::1'",
      "  version: latest",
      "  security: 1",
    ].join("\n");
    expect(await problemsIn("qus.config.yaml", yaml)).toEqual([
      'qus.config.yaml:4:10: source.suite: expected a Debian codename such as bookworm or trixie, found "../../etc"',
      'qus.config.yaml:5:3: source: unknown key "mirrors" (did you mean "mirror"? allowed: type, suite, qemu, mirror, securityMirror, version, keyring, security)',
      'qus.config.yaml:6:11: source.mirror: expected an http:// or https:// URL, found "http://[::1", which is not a valid URL',
      'qus.config.yaml:7:12: source.version: expected a Debian version such as "1:10.0.3+ds-0+deb13u1", found "latest"',
      "qus.config.yaml:8:13: source.security: expected true or false, found the number 1",
    ]);
  });

  test("local patterns need {target} and no '/'", async () => {
    const yaml =
      "targets: []\nsource:\n  type: local\n  path: /usr/bin\n  pattern: ['qemu-{target}', 'bin/qemu-{target}', qemu-static, 7]\n";
    expect(await problemsIn("qus.config.yaml", yaml)).toEqual([
      'qus.config.yaml:5:30: source.pattern[1]: expected a file name that contains "{target}" and no "/", found "bin/qemu-{target}"',
      'qus.config.yaml:5:51: source.pattern[2]: expected a file name that contains "{target}" and no "/", found "qemu-static"',
      "qus.config.yaml:5:64: source.pattern[3]: expected a string, found the number 7",
    ]);
  });
});

describe("the C flag needs an explicit opt-in", () => {
  test("reported wherever C appears, with the risk explained", async () => {
    const yaml =
      "flags: PCF\ntargets:\n  - name: arm\n    flags: OC\nsource: {type: local, path: /x}\n";
    const risk =
      '"C" (credentials) lets any foreign setuid binary run with raised privileges through QEMU, ' +
      'which is easy to exploit; remove "C", or set allowCredentials: true to accept that risk';
    expect(await problemsIn("qus.config.yaml", yaml)).toEqual([
      `qus.config.yaml:1:8: flags: ${risk}`,
      `qus.config.yaml:4:12: targets[0].flags: ${risk}`,
    ]);
  });

  test("allowCredentials: false is the same as not setting it", async () => {
    const error = await configError(
      load("qus.config.yaml", `allowCredentials: false\nflags: CF\n${MINIMAL_YAML}`),
    );
    expect(error.problems.map((p) => p.pointer)).toEqual(["/flags"]);
  });
});

describe("shape and limits", () => {
  test("required keys at the top, and the wrong kind of document", async () => {
    expect(await problemsIn("qus.config.yaml", "prune: false\n")).toEqual([
      'qus.config.yaml:1:1: missing required key "targets"',
      'qus.config.yaml:1:1: missing required key "source"',
    ]);
    expect(await problemsIn("qus.config.yaml", "- aarch64\n")).toEqual([
      "qus.config.yaml:1:1: expected an object, found a list",
    ]);
    expect(await problemsIn("qus.config.yaml", "# nothing yet\n")).toEqual([
      "qus.config.yaml: the config is empty; it needs at least `targets` and `source`",
    ]);
  });

  test("limits on list sizes and string lengths", async () => {
    const many = Array.from({ length: 65 }, () => "aarch64");
    const config = JSON.stringify({
      targets: many,
      source: { type: "local", path: `/${"x".repeat(600)}` },
      prefix: "",
    });
    const lines = await problemsIn("qus.config.json", config);
    const column = (text: string): number => config.indexOf(text) + 1;
    expect(lines).toContain(
      `qus.config.json:1:${column("[")}: targets: expected at most 64 entries, found 65`,
    );
    expect(lines).toContain(
      `qus.config.json:1:${column('"/xxx')}: source.path: expected at most 512 characters, found 601`,
    );
    expect(lines).toContain(
      `qus.config.json:1:${column('""')}: prefix: expected a name of 1 to 32 letters, digits, ".", "_", "+" or "-", starting with a letter or digit, found ""`,
    );
  });
});

describe("hostile values: each refused once, briefly, without driving the terminal", () => {
  const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

  test("a 100,000-character target name: its length is reported, the name is not echoed or checked further", async () => {
    const lines = await problemsIn(
      "qus.config.yaml",
      `targets: [${"a".repeat(100_000)}]\nsource: {type: local, path: /x}\n`,
    );
    expect(lines).toEqual([
      "qus.config.yaml:1:11: targets[0]: expected at most 64 characters, found 100000",
    ]);
  });

  test("1,000 targets: one problem for the list, not one per repeated entry", async () => {
    const lines = await problemsIn(
      "qus.config.yaml",
      `targets:\n${"  - aarch64\n".repeat(1000)}source: {type: local, path: /x}\n`,
    );
    expect(lines).toEqual([
      "qus.config.yaml:2:3: targets: expected at most 64 entries, found 1000",
    ]);
  });

  test("a 50,000-letter flags value: its length only, not its repeated letters", async () => {
    const lines = await problemsIn(
      "qus.config.yaml",
      `targets: [aarch64]\nflags: ${"P".repeat(50_000)}\nsource: {type: local, path: /x}\n`,
    );
    expect(lines).toEqual([
      "qus.config.yaml:2:8: flags: expected at most 8 characters, found 50000",
    ]);
  });

  test("a long value is quoted cut short after 80 characters", async () => {
    const name = `x${"y".repeat(63)}`;
    const [line] = await problemsIn(
      "qus.config.yaml",
      `targets: [${name}]\nsource: {type: local, path: /x}\n`,
    );
    expect(line).toBe(
      `qus.config.yaml:1:11: targets[0]: unknown target "${name}" (known targets: ${TARGETS.map((t) => t.name).join(", ")})`,
    );
    const version = `!${"y".repeat(100)}`;
    const [cut] = await problemsIn(
      "qus.config.yaml",
      `targets: []\nsource: {type: debian, suite: bookworm, version: "${version}"}\n`,
    );
    expect(cut).toMatch(
      new RegExp(`source\\.version: expected .*, found "${version.slice(0, 80)}…"$`),
    );
  });

  test("many problems: the first 20 are shown and the rest counted; --json still gets them all", async () => {
    const keys = Array.from(
      { length: 30 },
      (_, i) => `extra${String(i).padStart(2, "0")}: 1\n`,
    ).join("");
    const error = await configError(
      load("qus.config.yaml", `targets: [aarch64]\nsource: {type: local, path: /x}\n${keys}`),
    );
    const lines = error.message.split("\n");
    expect(lines).toHaveLength(21);
    expect(lines[0]).toMatch(/^qus\.config\.yaml:3:1: unknown key "extra00"/);
    expect(lines[19]).toMatch(/^qus\.config\.yaml:22:1: unknown key "extra19"/);
    expect(lines[20]).toBe("qus.config.yaml: and 10 more problems (--json lists every one)");
    expect(error.problems).toHaveLength(30);
  });

  test("terminal escape sequences and NUL in keys and values are shown escaped, in the message and in --json", async () => {
    const yaml =
      'targets: ["\\e[31maarch64", "\\x9b2J"]\n"\\e]0;pwned\\a\\0": 1\nsource: {type: local, path: /x}\n';
    const error = await configError(load("qus.config.yaml", yaml));
    expect(error.message).not.toMatch(CONTROL);
    for (const problem of error.problems) expect(problem.message).not.toMatch(CONTROL);
    expect(error.message).toContain('unknown target "\\u001b[31maarch64"');
    expect(error.message).toContain('unknown target "\\u009b2J"');
    expect(error.message).toContain('unknown key "\\u001b]0;pwned\\u0007\\u0000"');
  });
});

test("no ConfigError message carries a stack trace", async () => {
  const broken: [string, string][] = [
    ["qus.config.yaml", "targets: [\n"],
    ["qus.config.json", "{,}"],
    ["qus.config.yaml", "targets: [nope]\nsource: {type: fedora}\n"],
    ["qus.config.mjs", "throw new TypeError('no network here');"],
    ["qus.config.ts", "const x: number = (undefined as any).boom;\nexport default {};"],
    ["qus.config.cjs", "module.exports = { targets: [() => 1] };"],
    ["qus.config.yml", "a: &a [1]\nb: *c\n"],
  ];
  for (const [name, content] of broken) {
    const error = await configError(load(name, content));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message, name).not.toMatch(/^\s+at /m);
    expect(error.message, name).not.toMatch(/node_modules|file:\/\/|\.mjs:\d|\.ts:\d/);
    expect(error.message.startsWith(name), name).toBe(true);
  }
});

test("the directory of a relative path is the config's, even through --config from elsewhere", async () => {
  const dir = await configDir({
    "deploy/qus.config.yaml": "targets: []\nsource: {type: local, path: bin}\n",
  });
  const config = await loadConfig({ cwd: dir, configPath: "deploy/qus.config.yaml" });
  expect(config.source).toMatchObject({ path: join(dir, "deploy/bin") });
});
