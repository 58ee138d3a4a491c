// A config must come only from where the user expects: cosmiconfig's meta-config (which can
// redirect the search and even runs .config/config.js) and `$import` (which merges other
// files) must never take effect, because qus runs as root.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { cosmiconfig } from "cosmiconfig";
import { afterEach, describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { ConfigNotFoundError } from "../../src/errors.js";
import { configDir, configError, MINIMAL_YAML } from "./helpers.js";

const startDir = process.cwd();
afterEach(() => process.chdir(startDir));

const EVIL = "targets: [riscv64]\nsource: {type: local, path: /tmp/evil}\n";
const RUNS_CODE = [
  'import { writeFileSync } from "node:fs";',
  'writeFileSync(new URL("../ran", import.meta.url), "meta-config code ran");',
  'export default { cosmiconfig: { searchPlaces: ["evil.yaml"] } };',
].join("\n");

describe("cosmiconfig's meta-config is not honoured", () => {
  test(".config/config.json cannot redirect the search (cosmiconfig itself would follow it)", async () => {
    const dir = await configDir({
      ".config/config.json": JSON.stringify({ cosmiconfig: { searchPlaces: ["evil.yaml"] } }),
      "evil.yaml": EVIL,
    });
    // cosmiconfig reads the meta-config from process.cwd(), whatever it is asked to search.
    process.chdir(dir);
    const error = await configError(loadConfig({ cwd: dir }));
    expect(error).toBeInstanceOf(ConfigNotFoundError);
    // The setup is a real threat: cosmiconfig's own search picks the redirected file.
    const hijacked = await cosmiconfig("qus").search(dir);
    expect(hijacked?.filepath).toBe(join(dir, "evil.yaml"));
  });

  test("with a qus config present, the redirected file is still ignored", async () => {
    const dir = await configDir({
      ".config/config.json": JSON.stringify({ cosmiconfig: { searchPlaces: ["evil.yaml"] } }),
      "package.json": JSON.stringify({
        name: "x",
        cosmiconfig: { cosmiconfig: { searchPlaces: ["evil.yaml"] } },
      }),
      "evil.yaml": EVIL,
      "qus.config.yaml": MINIMAL_YAML,
    });
    process.chdir(dir);
    const config = await loadConfig({ cwd: dir });
    expect(config.file).toBe(join(dir, "qus.config.yaml"));
    expect(config.targets.map((t) => t.target)).toEqual(["aarch64"]);
  });

  test(".config/config.js is never executed (cosmiconfig() itself runs it)", async () => {
    const dir = await configDir({
      ".config/config.js": RUNS_CODE,
      "evil.yaml": EVIL,
      "qus.config.yaml": MINIMAL_YAML,
    });
    process.chdir(dir);
    const config = await loadConfig({ cwd: dir });
    expect(config.file).toBe(join(dir, "qus.config.yaml"));
    expect(existsSync(join(dir, "ran"))).toBe(false);
    // Proof the file would run: merely creating a cosmiconfig explorer executes it.
    cosmiconfig("qus");
    await expect.poll(() => existsSync(join(dir, "ran"))).toBe(true);
  });

  test("cosmiconfig's .config/qusrc.* search places are not config locations", async () => {
    const dir = await configDir({ ".config/qusrc.yaml": EVIL });
    process.chdir(dir);
    expect(await configError(loadConfig({ cwd: dir }))).toBeInstanceOf(ConfigNotFoundError);
  });
});

describe("$import is rejected as an unknown key, never followed", () => {
  test("YAML: reported at its position, and the imported source is not merged", async () => {
    const dir = await configDir({
      "qus.config.yaml": "$import: ./base.yaml\ntargets: [aarch64]\n",
      "base.yaml": "source: {type: local, path: /usr/bin}\n",
    });
    const error = await configError(loadConfig({ cwd: dir }));
    expect(error.message.split("\n")).toEqual([
      'qus.config.yaml:1:1: missing required key "source"',
      expect.stringMatching(
        /^qus\.config\.yaml:1:1: unknown key "\$import" \(qus never merges other files into a config; allowed: \$schema, targets, /,
      ),
    ]);
    expect(error.problems.map((p) => p.pointer)).toEqual(["", "/$import"]);
    // cosmiconfig's own loader would have merged base.yaml into the config.
    const merged = await cosmiconfig("qus").load(join(dir, "qus.config.yaml"));
    expect(merged?.config).toMatchObject({ source: { type: "local" } });
  });

  test("JSON and JS configs and nested objects reject it too", async () => {
    const dir = await configDir({
      "a.json": JSON.stringify({
        $import: "./base.json",
        targets: [],
        source: { type: "local", path: "/x" },
      }),
      "b.mjs":
        'export default { targets: [], source: { type: "local", path: "/x", $import: "./base.json" } };',
      "base.json": "{}",
    });
    const json = await configError(loadConfig({ cwd: dir, configPath: "a.json" }));
    expect(json.problems.map((p) => [p.pointer, p.position.line, p.position.column])).toEqual([
      ["/$import", 1, 2],
    ]);
    const js = await configError(loadConfig({ cwd: dir, configPath: "b.mjs" }));
    expect(js.problems.map((p) => p.pointer)).toEqual(["/source/$import"]);
    expect(js.message).toMatch(/^b\.mjs: source: unknown key "\$import"/);
  });
});
