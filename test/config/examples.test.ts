// The shipped examples validate, and the schema stays in step with the code: defaults,
// target names for editor completion, a readable message for every pattern, and no object
// that silently accepts unknown keys.
import { copyFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { TARGETS } from "../../src/catalog/targets.js";
import { loadConfig } from "../../src/config/load.js";
import { PATTERN_MEANINGS } from "../../src/config/schema-error.js";
import { CONFIG_DEFAULTS } from "../../src/config/types.js";
import { configDir } from "./helpers.js";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const schemaFile = join(repo, "schemas/qus.config.schema.json");

type Node = Record<string, unknown>;
const readSchema = async (): Promise<Node> =>
  JSON.parse(await readFile(schemaFile, "utf8")) as Node;

function walk(node: unknown, visit: (node: Node, path: string) => void, path = "#"): void {
  if (Array.isArray(node))
    for (const [i, child] of node.entries()) walk(child, visit, `${path}/${i}`);
  else if (node !== null && typeof node === "object") {
    visit(node as Node, path);
    for (const [key, child] of Object.entries(node)) walk(child, visit, `${path}/${key}`);
  }
}

describe("examples", () => {
  test("qus.config.example.json: local source with Debian's names", async () => {
    const config = await loadConfig({ cwd: repo, configPath: "qus.config.example.json" });
    expect(config.targets.map((t) => t.target)).toEqual([
      "aarch64",
      "arm",
      "riscv64",
      "ppc64le",
      "s390x",
    ]);
    expect(config.flags).toBe("POF");
    expect(config.source).toEqual({
      type: "local",
      path: "/usr/bin",
      patterns: ["qemu-{target}-static", "qemu-{target}"],
    });
    const raw = JSON.parse(await readFile(join(repo, "qus.config.example.json"), "utf8")) as Node;
    expect(raw.$schema).toBe("./schemas/qus.config.schema.json");
  });

  test("examples/qus.config.yaml: Debian trixie and its backports, QEMU 9.2 or later", async () => {
    const config = await loadConfig({ cwd: repo, configPath: "examples/qus.config.yaml" });
    expect(config.source).toEqual({
      type: "debian",
      suites: ["trixie-backports", "trixie"],
      qemu: ">=9.2",
    });
    expect(config.targets.map((t) => [t.target, t.enabled])).toEqual([
      ["aarch64", true],
      ["arm", true],
      ["riscv64", true],
      ["ppc64le", true],
      ["s390x", false],
    ]);
    expect(config.lockFile).toBe(join(repo, "examples/qus.lock.json"));
  });

  test("examples/qus.config.ts: a TS config with a default export", async () => {
    // Copied so the loader's temporary .mjs is not written into the repository.
    const dir = await configDir();
    await copyFile(join(repo, "examples/qus.config.ts"), join(dir, "qus.config.ts"));
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config.targets.map((t) => t.target)).toEqual(["aarch64", "arm", "riscv64"]);
    expect(config.source).toMatchObject({ type: "local", path: "/usr/bin" });
  });
});

describe("the schema agrees with the code", () => {
  test("its defaults are CONFIG_DEFAULTS", async () => {
    const props = (await readSchema()).properties as Record<string, Node>;
    const defaults = Object.fromEntries(
      Object.entries(props)
        .filter(([, p]) => "default" in p)
        .map(([k, p]) => [k, p.default]),
    );
    expect(defaults).toEqual({
      flags: CONFIG_DEFAULTS.flags,
      allowCredentials: CONFIG_DEFAULTS.allowCredentials,
      installDir: CONFIG_DEFAULTS.installDir,
      prefix: CONFIG_DEFAULTS.prefix,
      prune: CONFIG_DEFAULTS.prune,
      binfmtDir: CONFIG_DEFAULTS.binfmtDir,
      stateFile: CONFIG_DEFAULTS.stateFile,
    });
  });

  test("the target names offered for completion are the catalog's", async () => {
    const defs = (await readSchema()).$defs as Record<string, Node>;
    expect(defs.targetName?.examples).toEqual(TARGETS.map((t) => t.name));
  });

  test("every pattern has a message in words, and no message is stale", async () => {
    const patterns = new Set<string>();
    walk(await readSchema(), (node) => {
      if (typeof node.pattern === "string") patterns.add(node.pattern);
    });
    expect([...patterns].sort()).toEqual(Object.keys(PATTERN_MEANINGS).sort());
  });

  test("every object schema refuses unknown keys", async () => {
    const open: string[] = [];
    walk(await readSchema(), (node, path) => {
      if (node.type === "object" && "properties" in node && node.additionalProperties !== false)
        open.push(path);
    });
    expect(open).toEqual([]);
  });

  test("it is JSON Schema 2020-12 with an $id", async () => {
    const schema = await readSchema();
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(typeof schema.$id).toBe("string");
  });
});
