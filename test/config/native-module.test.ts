// The loader the standalone executable uses, run here on this machine's Node: real files, real
// module errors. (test/release/config-formats.test.ts runs it inside the executable itself.)
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, test } from "vitest";
import {
  decoratedPosition,
  importNativeModule,
  nativeSyntaxProblem,
} from "../../src/config/native-module.js";
import { projectRoot, requireBuilt } from "../helpers/fixtures.js";
import { configDir } from "./helpers.js";

const DATA = '{ targets: ["aarch64"], source: { type: "local", path: "/usr/bin" } }';

/** What importing `name` with `content` rejects with. */
async function rejection(name: string, content: string): Promise<unknown> {
  const dir = await configDir({ [name]: content });
  return importNativeModule(join(dir, name)).then(
    () => expect.unreachable(`${name} loaded`),
    (error: unknown) => error,
  );
}

describe("importNativeModule", () => {
  test.each([
    ["qus.config.mjs", `export default ${DATA};`],
    ["qus.config.cjs", `module.exports = ${DATA};`],
    ["qus.config.mjs", `export default await Promise.resolve(${DATA});`],
  ])("%s: the default export", async (name, content) => {
    const dir = await configDir({ [name]: content });
    expect(await importNativeModule(join(dir, name))).toEqual({
      targets: ["aarch64"],
      source: { type: "local", path: "/usr/bin" },
    });
  });

  test("prints no warning about the loader it uses (Node calls it experimental)", async () => {
    // A fresh process: Node warns once per process, so an earlier load here would hide it.
    requireBuilt();
    const dir = await configDir({ "qus.config.mjs": `export default ${DATA};` });
    const module = pathToFileURL(join(projectRoot, "dist", "config", "native-module.js")).href;
    const script = `import(${JSON.stringify(module)}).then((m) => m.importNativeModule(process.argv[1])).then((d) => console.log(JSON.stringify(d)))`;
    const r = spawnSync(process.execPath, ["-e", script, join(dir, "qus.config.mjs")], {
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toMatchObject({ targets: ["aarch64"] });
  });
});

describe("nativeSyntaxProblem", () => {
  test("an ES module's error (no position of its own) is placed by parsing the text", async () => {
    const content = 'const site = "lab";\nexport default { targets: [ };\n';
    const error = await rejection("qus.config.mjs", content);
    expect(await nativeSyntaxProblem(error, content)).toEqual({
      line: 2,
      column: 29,
      message: "SyntaxError: Unexpected token '}'",
    });
  });

  test("a CommonJS module's error is placed from the stack Node decorates", async () => {
    const content = '"use strict";\nmodule.exports = { targets: [ };\n';
    const error = await rejection("qus.config.cjs", content);
    expect(await nativeSyntaxProblem(error, content)).toEqual({
      line: 2,
      column: 31,
      message: "SyntaxError: Unexpected token '}'",
    });
  });

  test("a SyntaxError the config throws while it runs is not one in its text", async () => {
    const content = 'const data = JSON.parse("{");\nexport default data;\n';
    const error = await rejection("qus.config.mjs", content);
    expect(error).toBeInstanceOf(SyntaxError);
    expect(await nativeSyntaxProblem(error, content)).toBe(undefined);
  });

  test("an error that is not a SyntaxError is not one to place", async () => {
    const content = "null.targets;\nexport default {};\n";
    expect(await nativeSyntaxProblem(await rejection("qus.config.mjs", content), content)).toBe(
      undefined,
    );
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
      },
    );
    expect(await nativeSyntaxProblem(hostile, "")).toBe(undefined);
  });
});

describe("decoratedPosition", () => {
  test("line from the header, column from the caret under the last source line shown", () => {
    const typeScript = [
      "file:///etc/qus/qus.config.ts:2",
      "const x: number = 1;",
      "export default { targets: [ };",
      "                            ^",
      "",
      "SyntaxError [ERR_INVALID_TYPESCRIPT_SYNTAX]: Expression expected",
    ].join("\n");
    expect(decoratedPosition(typeScript)).toEqual({ line: 2, column: 29 });
  });

  test("an undecorated stack, or none, has no position", () => {
    expect(decoratedPosition("SyntaxError: Unexpected token '}'\n    at x (y:1:2)")).toBe(
      undefined,
    );
    expect(decoratedPosition(undefined)).toBe(undefined);
    expect(decoratedPosition("/a/b.cjs:3\nno caret here\n\nSyntaxError: x")).toEqual({ line: 3 });
  });
});
