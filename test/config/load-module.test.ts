// JS and TS configs: loaded through cosmiconfig's loaders, and every way a module can go wrong
// becomes a ConfigError that names the file, never a stack trace.
import { readdir } from "node:fs/promises";
import { describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { configDir, configError } from "./helpers.js";

const VALID = '{ targets: ["riscv64"], source: { type: "local", path: "/usr/bin" } }';

async function errorFor(name: string, content: string) {
  const dir = await configDir({ [name]: content });
  return configError(loadConfig({ cwd: dir }));
}

describe("a config module that fails", () => {
  test("a TS config that throws: file and message, the original error kept as cause", async () => {
    const error = await errorFor(
      "qus.config.ts",
      'const reason: string = "inventory service unreachable";\nthrow new Error(reason);\n',
    );
    expect(error.message).toBe(
      "qus.config.ts: loading the config failed: inventory service unreachable",
    );
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.problems).toEqual([
      {
        position: { file: expect.stringMatching(/\/qus\.config\.ts$/) },
        pointer: "",
        message: "loading the config failed: inventory service unreachable",
      },
    ]);
  });

  test("the error's kind is named when it is not a plain Error", async () => {
    const error = await errorFor("qus.config.mjs", "null.targets;\nexport default {};");
    expect(error.message).toMatch(
      /^qus\.config\.mjs: loading the config failed: TypeError: Cannot read properties of null/,
    );
  });

  test("thrown values that cannot be turned into text are named by kind, never an internal error", async () => {
    const thrown = [
      "throw Object.create(null);",
      'throw { toString() { throw new Error("toString exploded"); } };',
      'throw new Proxy({}, { getPrototypeOf() { throw new Error("trap"); }, get() { throw new Error("trap"); } });',
    ];
    for (const statement of thrown) {
      const error = await errorFor("qus.config.mjs", `${statement}\nexport default {};\n`);
      expect(error.message, statement).toMatch(/^qus\.config\.mjs: loading the config failed: /);
      expect(error.message, statement).not.toMatch(/^\s+at /m);
    }
    expect(
      (await errorFor("qus.config.mjs", "throw Object.create(null);\nexport default {};\n"))
        .message,
    ).toBe(
      "qus.config.mjs: loading the config failed: a thrown value that cannot be shown as text ([object Object])",
    );
  });

  test("a thrown message is cut short, and its control characters are escaped", async () => {
    const error = await errorFor(
      "qus.config.mjs",
      `throw new Error("\\u001b[2J" + "x".repeat(5000));\nexport default {};\n`,
    );
    expect(error.message).toMatch(/^qus\.config\.mjs: loading the config failed: \\u001b\[2Jx+…$/);
    expect(error.message.length).toBeLessThan(400);
  });

  test("a TS syntax error is reported at its position, not silently repaired by the transpiler", async () => {
    const error = await errorFor(
      "qus.config.ts",
      'export default {\n  targets: [ },\n  source: { type: "local", path: "/x" },\n};\n',
    );
    expect(error.message).toBe(
      "qus.config.ts:2:14: invalid TypeScript: Expression or comma expected.",
    );
  });

  test.each(["qus.config.mjs", "qus.config.js"])(
    "a syntax error in %s is reported at its line and column",
    async (name) => {
      const error = await errorFor(name, 'const site = "lab";\nexport default { targets: [ };\n');
      expect(error.message).toBe(
        `${name}:2:29: invalid JavaScript: SyntaxError: Unexpected token '}'`,
      );
    },
  );

  test("a syntax error in a CommonJS config", async () => {
    const error = await errorFor("qus.config.cjs", "module.exports = { targets: [ };\n");
    expect(error.message).toBe(
      "qus.config.cjs: loading the config failed: SyntaxError: Unexpected token '}'",
    );
  });

  test("no default export, a function, or values that are not data", async () => {
    expect((await errorFor("qus.config.mjs", `export const config = ${VALID};`)).message).toBe(
      "qus.config.mjs: the module has no default export; write `export default { ... }` (or `module.exports = { ... }`)",
    );
    expect((await errorFor("qus.config.mjs", `export default () => (${VALID});`)).message).toBe(
      "qus.config.mjs: the default export is a function; export the config object itself",
    );
    expect(
      (
        await errorFor(
          "qus.config.cjs",
          'module.exports = { targets: [], source: { type: "local", path: "/x" }, hook() {} };',
        )
      ).message,
    ).toMatch(
      /^qus\.config\.cjs: the exported config is not plain data \(only objects, lists, strings, numbers and booleans\): DataCloneError: /,
    );
  });
});

describe("a config module that works", () => {
  test("an exported promise is awaited", async () => {
    const dir = await configDir({ "qus.config.mjs": `export default Promise.resolve(${VALID});` });
    expect((await loadConfig({ cwd: dir })).targets[0]?.target).toBe("riscv64");
  });

  test("a TS config leaves no compiled file behind", async () => {
    const dir = await configDir({ "qus.config.ts": `export default ${VALID} as const;` });
    expect((await loadConfig({ cwd: dir })).targets[0]?.target).toBe("riscv64");
    expect(await readdir(dir)).toEqual(["qus.config.ts"]);
  });

  test("a class instance's own data is read as plain data", async () => {
    const dir = await configDir({
      "qus.config.mjs": `class Site { constructor() { this.targets = ["riscv64"]; this.source = { type: "local", path: "/usr/bin" }; } }\nexport default new Site();`,
    });
    expect((await loadConfig({ cwd: dir })).targets[0]?.target).toBe("riscv64");
  });
});
