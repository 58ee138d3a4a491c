// Parses JSON and YAML config text with the `yaml` package so that every node keeps its
// position (loaded only for YAML configs, and for JSON ones when a problem needs a position). Syntax errors become ConfigErrors with line and column; alias bombs, aliases used
// before their anchor and data nested deeper than the parser's stack are refused by name.
import type { Alias, Document, LineCounter, YAMLError } from "yaml";
import { ConfigError, type ConfigProblem } from "../errors.js";
import { documentLocator } from "./locate.js";
import type { Locator } from "./positions.js";
import { configErrorFor, problemAt, type ConfigSource } from "./problems.js";
import { pickKeys } from "./plain-json.js";
import { shorten } from "./quote.js";
import { yaml } from "./yaml-module.js";

/** Callers await this before the parse functions below (yaml loads on first need). */
export { loadYaml } from "./yaml-module.js";

/** Config data with a way to find where each field was written. */
export interface ParsedConfig {
  readonly data: unknown;
  readonly locate: Locator;
}

/** At most this many alias expansions: enough for real configs, far too few for a bomb. */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses YAML text (also used for extension-less `.qusrc`). `base` selects a sub-tree, e.g.
 * ["qus"] for package.json. Throws a ConfigError listing every syntax problem.
 */
export function parseYamlConfig(
  text: string,
  source: ConfigSource,
  base: readonly string[] = [],
): ParsedConfig {
  const lineCounter = new (yaml().LineCounter)();
  const doc = parseOrRefuseDepth(
    () => yaml().parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true }),
    source,
  );
  const problems = yamlProblems(doc, lineCounter, source);
  if (problems.length > 0) throw configErrorFor(source, problems);
  const data = toData(doc, lineCounter, source);
  return { data: pickKeys(data, base), locate: documentLocator(doc, lineCounter, base) };
}

/**
 * Parses JSON text strictly (JSON.parse decides what is valid JSON; YAML would accept comments
 * and trailing commas) and keeps positions from the same text read as YAML.
 */
export function parseJsonConfig(
  text: string,
  source: ConfigSource,
  base: readonly string[] = [],
): ParsedConfig {
  const lineCounter = new (yaml().LineCounter)();
  const doc = parseOrRefuseDepth(
    () =>
      yaml().parseDocument(text, {
        lineCounter,
        prettyErrors: false,
        uniqueKeys: true,
        schema: "json",
      }),
    source,
  );
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw configErrorFor(source, [jsonSyntaxProblem(text, error, doc, lineCounter, source)]);
  }
  // JSON.parse silently keeps the last of two equal keys; a config with both is a mistake.
  const duplicates = doc.errors.filter((e) => e.code === "DUPLICATE_KEY");
  if (duplicates.length > 0) {
    throw configErrorFor(
      source,
      duplicates.map((e) =>
        problemAt(
          source,
          lineColumn(lineCounter, e.pos[0]),
          "",
          "the same key appears twice in one object",
        ),
      ),
    );
  }
  // JSON.parse reads nesting deeper than the YAML reader's stack. The reader's other complaints
  // then echo where it gave up; positions outside the too-deep part stay right.
  const tooDeep = doc.errors.some((e) => e.code === "RESOURCE_EXHAUSTION");
  const locate =
    doc.errors.length === 0 || tooDeep ? documentLocator(doc, lineCounter, base) : () => ({});
  return { data: pickKeys(data, base), locate };
}

const TOO_DEEP = "lists or objects are nested too deeply";

/** Runs the YAML reader, turning a stack overflow it did not catch itself into a ConfigError. */
function parseOrRefuseDepth(parse: () => Document, source: ConfigSource): Document {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw configErrorFor(source, [problemAt(source, {}, "", `invalid YAML: ${TOO_DEEP}`)]);
  }
}

function yamlProblems(
  doc: Document,
  lineCounter: LineCounter,
  source: ConfigSource,
): ConfigProblem[] {
  // Warnings (e.g. an unknown tag like !!js/function, silently read as a string) count too.
  const found = [...doc.errors, ...doc.warnings];
  // Running out of stack echoes at every level it unwinds through: one problem says it all.
  const tooDeep = found.find((e) => e.code === "RESOURCE_EXHAUSTION");
  return (tooDeep === undefined ? found : [tooDeep]).map((e) =>
    problemAt(source, lineColumn(lineCounter, e.pos[0]), "", `invalid YAML: ${yamlReason(e)}`),
  );
}

/** The yaml package's message, in words for config authors where it speaks to programmers. */
function yamlReason(error: YAMLError): string {
  switch (error.code) {
    case "MULTIPLE_DOCS":
      return "the file holds more than one YAML document (a second one starts here); a config is one document";
    case "RESOURCE_EXHAUSTION":
      return `${TOO_DEEP} (qus gave up reading here)`;
    default:
      return firstLine(error.message);
  }
}

function toData(doc: Document, lineCounter: LineCounter, source: ConfigSource): unknown {
  const refuse = (offset: number | undefined, reason: string): never => {
    throw configErrorFor(source, [
      problemAt(source, offset === undefined ? {} : lineColumn(lineCounter, offset), "", reason),
    ]);
  };
  try {
    const alias = firstUnresolvedAlias(doc);
    if (alias !== undefined) {
      const name = shorten(alias.source);
      refuse(
        alias.range?.[0],
        `invalid YAML: unresolved alias *${name}: the anchor &${name} must be defined before the alias`,
      );
    }
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (error instanceof ConfigError || !(error instanceof Error)) throw error;
    if (error instanceof RangeError) return refuse(undefined, `invalid YAML: ${TOO_DEEP}`);
    if (/Excessive alias count/.test(error.message)) {
      return refuse(
        0,
        `YAML aliases expand too much (more than ${MAX_ALIAS_COUNT} expansions): refusing what looks like an alias bomb`,
      );
    }
    return refuse(0, `invalid YAML: ${firstLine(error.message)}`);
  }
}

/** The first alias (in document order) with no anchor of its name before it, as yaml resolves them. */
function firstUnresolvedAlias(doc: Document): Alias | undefined {
  const anchors = new Set<string>();
  let unresolved: Alias | undefined;
  yaml().visit(doc, {
    Node(_key, node) {
      if (yaml().isAlias(node)) {
        if (anchors.has(node.source)) return undefined;
        unresolved = node;
        return yaml().visit.BREAK;
      }
      if (node.anchor !== undefined) anchors.add(node.anchor);
      return undefined;
    },
  });
  return unresolved;
}

function jsonSyntaxProblem(
  text: string,
  error: unknown,
  doc: Document,
  lineCounter: LineCounter,
  source: ConfigSource,
): ConfigProblem {
  const message = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(message);
  // V8 quotes the text around the mistake ("...", "abc"... is not valid JSON): dropped, it is the
  // user's own file, maybe binary; the position says where.
  const reason = message
    .replace(/ in JSON at position \d+.*$/s, "")
    .replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, "");
  // Some of V8's messages carry no position; the YAML reader usually stumbles at the same place,
  // but it accepts trailing commas, so those are found here (the most common slip in JSON).
  const yamlError = doc.errors[0];
  const trailing = trailingCommaOffset(text);
  if (trailing !== null && (position === null || trailing < Number(position[1]))) {
    const closer = text.slice(trailing + 1).trimStart()[0];
    return problemAt(
      source,
      offsetToLineColumn(text, trailing),
      "",
      `invalid JSON: trailing comma before '${closer}' (JSON allows no comma after the last item)`,
    );
  }
  const where =
    position !== null
      ? offsetToLineColumn(text, Number(position[1]))
      : yamlError !== undefined
        ? lineColumn(lineCounter, yamlError.pos[0])
        : {};
  return problemAt(source, where, "", `invalid JSON: ${firstLine(reason)}`);
}

/** Offset of the first comma outside strings followed (after white space) by ] or }; null if none. */
function trailingCommaOffset(text: string): number | null {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === ",") {
      const next = text.slice(i + 1).trimStart()[0];
      if (next === "]" || next === "}") return i;
    }
  }
  return null;
}

function offsetToLineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

function lineColumn(lineCounter: LineCounter, offset: number): { line: number; column: number } {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}
