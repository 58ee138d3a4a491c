// The x64 standalone executable reads every config format the npm package reads: JSON, YAML,
// JavaScript (.js as an ES module and as CommonJS, .mjs, .cjs, top-level await), TypeScript and
// the `qus` key of package.json, with no Node.js on PATH; and a syntax error in each is named at
// its line. Inside the executable require() loads only Node's built-ins and there is no
// typescript package, so this is the real proof that its own loader works.
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { releaseDir } from "./artifacts.js";

const DATA = '{ targets: ["aarch64", "riscv64"], source: { type: "local", path: "/usr/bin" } }';
const JSON_DATA = '{"targets":["aarch64","riscv64"],"source":{"type":"local","path":"/usr/bin"}}';

const VALID: Record<string, string> = {
  "qus.config.json": JSON_DATA,
  "qus.config.yaml": "targets: [aarch64, riscv64]\nsource:\n  type: local\n  path: /usr/bin\n",
  "qus.config.mjs": `export default ${DATA};\n`,
  "qus.config.cjs": `module.exports = ${DATA};\n`,
  "esm/qus.config.js": `const config = ${DATA};\nexport default config;\n`,
  "cjs/qus.config.js": `"use strict";\nmodule.exports = ${DATA};\n`,
  "await/qus.config.mjs": `const targets = await Promise.resolve(["aarch64", "riscv64"]);\nexport default { targets, source: { type: "local", path: "/usr/bin" } };\n`,
  "qus.config.ts": [
    "interface Config { targets: string[]; source: { type: string; path: string } }",
    `const config: Config = ${DATA};`,
    "export default config satisfies Config;",
    "",
  ].join("\n"),
  "package/package.json": `{"name":"site","private":true,"qus":${JSON_DATA}}`,
};

/** Each broken file, and the first line of what qus says (file:line:column: ...). */
const BROKEN: Record<string, { text: string; says: string }> = {
  "bad.json": {
    text: '{\n  "targets": ["aarch64",]\n}\n',
    says: "bad.json:2:24: invalid JSON: trailing comma",
  },
  "bad.yaml": {
    text: "targets:\n  - aarch64\n source: x\n",
    says: "bad.yaml:3:1: invalid YAML",
  },
  "bad.mjs": {
    text: 'const site = "lab";\nexport default { targets: [ };\n',
    says: "bad.mjs:2:29: invalid JavaScript: SyntaxError: Unexpected token '}'",
  },
  "bad.js": {
    text: 'const site = "lab";\n\nexport default { targets: ["aarch64" source: {} };\n',
    says: "bad.js:3:38: invalid JavaScript: SyntaxError: Unexpected identifier 'source'",
  },
  "bad.cjs": {
    text: '"use strict";\nmodule.exports = { targets: [ };\n',
    says: "bad.cjs:2:31: invalid JavaScript: SyntaxError: Unexpected token '}'",
  },
  "bad.ts": {
    text: 'const site: string = "lab";\nexport default { targets: [ };\n',
    says: "bad.ts:2:29: invalid TypeScript: Expression expected",
  },
};

let dir: string;
let qus: string;
let noNode: string;

beforeAll(async () => {
  qus = join(await releaseDir(), "qus-linux-x64");
  dir = await mkdtemp(join(tmpdir(), "qus-release-formats-"));
  noNode = join(dir, "empty-bin");
  await mkdir(noNode);
  const enumConfig = 'enum Site { Lab }\nexport default { targets: ["aarch64"] };\n';
  for (const [name, text] of Object.entries({
    ...VALID,
    ...textsOf(BROKEN),
    "enum.ts": enumConfig,
    "throws.mjs": 'export default JSON.parse("{");\n',
  })) {
    await mkdir(join(dir, name, ".."), { recursive: true });
    await writeFile(join(dir, name), text);
  }
}, 30 * 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function textsOf(broken: typeof BROKEN): Record<string, string> {
  return Object.fromEntries(Object.entries(broken).map(([name, { text }]) => [name, text]));
}

/** `qus validate` in `cwd`, with no node on PATH. */
function validate(cwd: string, ...args: string[]) {
  const result = spawnSync(qus, ["validate", ...args], {
    cwd,
    encoding: "utf8",
    // As root outside any namespace: no code cache in the host's /var/cache/qus.
    env: { PATH: noNode, NO_COLOR: "1", NODE_DISABLE_COMPILE_CACHE: "1" },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("qus-linux-x64 loads every config format", () => {
  it.each(Object.keys(VALID))("%s", (name) => {
    const folder = join(dir, name, "..");
    const args = name.endsWith("package.json") ? [] : ["-c", join(dir, name)];
    const r = validate(folder, ...args);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      `The configuration in ${join(dir, name)} is valid (2 targets: aarch64, riscv64).\n`,
    );
    expect(r.code).toBe(0);
  });

  it.each(Object.keys(BROKEN))("%s: the syntax error at its line, exit 1", (name) => {
    const r = validate(dir, "-c", name);
    expect(r.stderr.split("\n")[0]).toContain(`Error: ${BROKEN[name]?.says}`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.code).toBe(1);
  });

  it("a SyntaxError the config throws while running is a load failure, not a syntax error", () => {
    const r = validate(dir, "-c", "throws.mjs");
    expect(r.stderr.split("\n")[0]).toMatch(
      /^Error: throws\.mjs: loading the config failed: SyntaxError: /,
    );
    expect(r.code).toBe(1);
  });

  it("a TypeScript enum (type stripping cannot remove it) is placed, and what to do is said", () => {
    const r = validate(dir, "-c", "enum.ts");
    expect(r.stderr).toMatch(
      /^Error: enum\.ts:1:1: invalid TypeScript: TypeScript enum is not supported/,
    );
    expect(r.stderr).toMatch(/npm package with typescript installed/);
    expect(r.code).toBe(1);
  });
});
