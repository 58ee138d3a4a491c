// Syntax errors in JSON and YAML, reported at their position, and YAML features that must
// not get through: alias bombs, unknown tags, several documents, duplicate keys.
import { describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { configDir, configError, MINIMAL_YAML } from "./helpers.js";

async function messageFor(name: string, content: string): Promise<string> {
  const dir = await configDir({ [name]: content });
  return (await configError(loadConfig({ cwd: dir }))).message;
}

describe("YAML syntax", () => {
  test("an unclosed flow map is reported where YAML noticed it", async () => {
    expect(
      await messageFor("qus.config.yaml", "targets: [aarch64]\nsource: {type: local, path: /x\n"),
    ).toBe(
      "qus.config.yaml:3:1: invalid YAML: Flow map in block collection must be sufficiently indented and end with a }",
    );
  });

  test("tabs as indentation", async () => {
    expect(await messageFor("qus.config.yaml", "targets:\n\t- aarch64\n")).toBe(
      "qus.config.yaml:2:1: invalid YAML: Tabs are not allowed as indentation",
    );
  });

  test("duplicate keys are an error, not a silent override", async () => {
    expect(await messageFor("qus.config.yaml", `${MINIMAL_YAML}targets: [riscv64]\n`)).toBe(
      "qus.config.yaml:5:1: invalid YAML: Map keys must be unique",
    );
  });

  test("several documents in one file are refused", async () => {
    expect(await messageFor("qus.config.yaml", `${MINIMAL_YAML}---\n${MINIMAL_YAML}`)).toMatch(
      /^qus\.config\.yaml:5:1: invalid YAML: the file holds more than one YAML document/,
    );
  });

  test("unknown tags (e.g. !!js/function) are refused instead of read as strings", async () => {
    expect(
      await messageFor(
        "qus.config.yaml",
        'targets: [aarch64]\nsource: {type: local, path: !!js/function "x"}\n',
      ),
    ).toBe("qus.config.yaml:2:29: invalid YAML: Unresolved tag: tag:yaml.org,2002:js/function");
  });

  test("an alias bomb is refused quickly instead of expanding", async () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    const started = performance.now();
    expect(await messageFor("qus.config.yaml", levels.join("\n"))).toBe(
      "qus.config.yaml:1:1: YAML aliases expand too much (more than 100 expansions): refusing what looks like an alias bomb",
    );
    expect(performance.now() - started).toBeLessThan(2000);
  });

  test("a few ordinary aliases are fine", async () => {
    const dir = await configDir({
      "qus.config.yaml":
        "x-flags: &f PF\ntargets: [{name: arm, flags: *f}, {name: aarch64, flags: *f}]\nsource: {type: local, path: /x}\n",
    });
    // x-flags is an unknown key: the alias resolved, and only the unknown key is reported.
    const error = await configError(loadConfig({ cwd: dir }));
    expect(error.problems.map((p) => [p.pointer, p.position.line, p.position.column])).toEqual([
      ["/x-flags", 1, 1],
    ]);
  });

  test("an alias used before its anchor is named as such, at the alias, not taken for a bomb", async () => {
    expect(
      await messageFor(
        "qus.config.yaml",
        "targets: [*t]\nother: &t aarch64\nsource: {type: local, path: /x}\n",
      ),
    ).toBe(
      "qus.config.yaml:1:11: invalid YAML: unresolved alias *t: the anchor &t must be defined before the alias",
    );
    expect(
      await messageFor(
        "qus.config.yaml",
        "targets: [aarch64]\nsource: {type: local, path: *nowhere}\n",
      ),
    ).toBe(
      "qus.config.yaml:2:29: invalid YAML: unresolved alias *nowhere: the anchor &nowhere must be defined before the alias",
    );
  });

  test("lists nested deeper than the reader's stack: said in words, on the line where it happened", async () => {
    const message = await messageFor(
      "qus.config.yaml",
      `source: {type: local, path: /x}\ntargets: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`,
    );
    expect(message).toMatch(
      /^qus\.config\.yaml:2:\d+: invalid YAML: lists or objects are nested too deeply/,
    );
    expect(message).not.toMatch(/call stack/i);
    expect(message.split("\n")).toHaveLength(1);
  });

  test("a byte-order mark is ignored", async () => {
    const dir = await configDir({ "qus.config.yaml": `\uFEFF${MINIMAL_YAML}` });
    expect((await loadConfig({ cwd: dir })).targets[0]?.target).toBe("aarch64");
  });
});

describe("JSON syntax: strict JSON, even though YAML would accept more", () => {
  test("a trailing comma", async () => {
    expect(await messageFor("qus.config.json", '{\n  "targets": [],\n}')).toBe(
      "qus.config.json:2:16: invalid JSON: trailing comma before '}' (JSON allows no comma after the last item)",
    );
  });

  test("a comment", async () => {
    expect(await messageFor("qus.config.json", '{\n  "targets": [] // all of them\n}')).toBe(
      "qus.config.json:2:17: invalid JSON: Expected ',' or '}' after property value",
    );
  });

  test("a bare word, where V8 gives no position, is placed by the YAML reader", async () => {
    expect(await messageFor("qus.config.json", '{\n  "targets": [tru]\n}')).toBe(
      "qus.config.json:2:15: invalid JSON: Unexpected token ']'",
    );
  });

  test("binary data: V8's quote of the bytes is dropped, control characters are escaped", async () => {
    const message = await messageFor("qus.config.json", "\u001f\u008b\b\u0000\u0000\u001b[2J");
    expect(message).toBe("qus.config.json:1:1: invalid JSON: Unexpected token '\\u001f'");
  });

  test("nesting JSON.parse accepts but the YAML reader cannot follow keeps the positions outside it", async () => {
    const dir = await configDir({
      "qus.config.json": `{\n  "source": {"type": "local", "path": "/x"},\n  "targets": ${"[".repeat(20_000)}${"]".repeat(20_000)}\n}\n`,
    });
    const error = await configError(loadConfig({ cwd: dir }));
    expect(error.message).toBe(
      "qus.config.json:3:15: targets[0]: expected a string or an object, found a list",
    );
  });

  test("duplicate keys, which JSON.parse would silently collapse", async () => {
    expect(
      await messageFor("qus.config.json", '{"targets": [], "targets": ["aarch64"], "source": {}}'),
    ).toBe("qus.config.json:1:17: the same key appears twice in one object");
  });
});
