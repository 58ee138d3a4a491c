// The `type: fedora` source in a config: what it means once normalised, and every way it can be
// wrong, with the file:line:column users see.
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { configDir, configError } from "./helpers.js";

async function load(content: string) {
  const dir = await configDir({ "qus.config.yaml": content });
  return { dir, config: await loadConfig({ cwd: dir }) };
}

async function problemsIn(content: string): Promise<string[]> {
  const dir = await configDir({ "qus.config.yaml": content });
  const error = await configError(loadConfig({ cwd: dir }));
  return error.message.split("\n");
}

const KEY =
  "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBGYAAAA=\n-----END PGP PUBLIC KEY BLOCK-----\n";

describe("a valid fedora source", () => {
  test("keeps only what was set; a key file is resolved against the config's directory", async () => {
    const { dir, config } = await load(
      "targets: [aarch64]\nsource:\n  type: fedora\n  release: 41\n  mirror: https://mirror.example.org/fedora/linux\n" +
        "  key: keys/RPM-GPG-KEY-fedora-41-primary\n  version: '2:9.1.2-3.fc41'\n  sha256:\n    qemu-user-static-aarch64: " +
        "AB".repeat(32) +
        "\n",
    );
    expect(config.source).toEqual({
      type: "fedora",
      release: 41,
      mirror: "https://mirror.example.org/fedora/linux",
      key: join(dir, "keys/RPM-GPG-KEY-fedora-41-primary"),
      version: "2:9.1.2-3.fc41",
      sha256: { "qemu-user-static-aarch64": "ab".repeat(32) },
    });
    const minimal = await load("targets: [aarch64]\nsource: {type: fedora, release: 42}\n");
    expect(minimal.config.source).toEqual({ type: "fedora", release: 42 });
  });

  test("an armored key is kept as text, not taken for a path", async () => {
    const { config } = await load(
      `targets: []\nsource:\n  type: fedora\n  release: 41\n  key: |\n${KEY.split("\n")
        .map((l) => `    ${l}`)
        .join("\n")}\n`,
    );
    expect(config.source).toMatchObject({ type: "fedora", key: KEY });
  });
});

describe("mistakes", () => {
  test("errors come from the fedora branch, at their position", async () => {
    const yaml = [
      "targets: []",
      "source:",
      "  type: fedora",
      "  release: '41'",
      "  suite: bookworm",
      "  mirror: 'http://[::1'",
      "  version: latest",
      "  sha256:",
      "    qemu-user-static-aarch64: 'not-a-hash-but-64-characters-long-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'",
    ].join("\n");
    expect(await problemsIn(yaml)).toEqual([
      'qus.config.yaml:4:12: source.release: expected a number, found "41"',
      'qus.config.yaml:5:3: source: unknown key "suite" (allowed: type, release, qemu, mirror, key, version, sha256)',
      'qus.config.yaml:6:11: source.mirror: expected an http:// or https:// URL, found "http://[::1", which is not a valid URL',
      'qus.config.yaml:7:12: source.version: expected an RPM [epoch:]version-release such as "9.1.2-3.fc41", found "latest"',
      'qus.config.yaml:9:31: source.sha256["qemu-user-static-aarch64"]: expected a SHA-256 of 64 hex digits, found "not-a-hash-but-64-characters-long-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
    ]);
  });

  test("a missing release, and a key that is neither a path nor an armored key", async () => {
    expect(await problemsIn("targets: []\nsource: {type: fedora}\n")).toEqual([
      'qus.config.yaml:2:1: source: missing required key "release"',
    ]);
    expect(
      await problemsIn(
        'targets: []\nsource:\n  type: fedora\n  release: 41\n  key: "line one\\nline two"\n',
      ),
    ).toEqual([
      "qus.config.yaml:5:8: source.key: expected a key file path, or an armored key starting with -----BEGIN PGP PUBLIC KEY BLOCK-----",
    ]);
  });
});
