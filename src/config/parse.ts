// Parses JSON and YAML config text with the `yaml` package so that every node keeps its
// position. Syntax errors become ConfigErrors with line and column; alias bombs are refused.
import { LineCounter, parseDocument, type Document } from "yaml";
import type { ConfigProblem } from "../errors.js";
import { documentLocator, type Locator } from "./locate.js";
import { configErrorFor, problemAt, type ConfigSource } from "./problems.js";

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
export function parseYamlConfig(text: string, source: ConfigSource, base: readonly string[] = []): ParsedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems = yamlProblems(doc, lineCounter, source);
  if (problems.length > 0) throw configErrorFor(source, problems);
  const data = toData(doc, lineCounter, source);
  return { data: pick(data, base), locate: documentLocator(doc, lineCounter, base) };
}

/**
 * Parses JSON text strictly (JSON.parse decides what is valid JSON; YAML would accept comments
 * and trailing commas) and keeps positions from the same text read as YAML.
 */
export function parseJsonConfig(text: string, source: ConfigSource, base: readonly string[] = []): ParsedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, schema: "json" });
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
      duplicates.map((e) => problemAt(source, lineColumn(lineCounter, e.pos[0]), "", "the same key appears twice in one object")),
    );
  }
  const locate = doc.errors.length === 0 ? documentLocator(doc, lineCounter, base) : () => ({});
  return { data: pick(data, base), locate };
}

function yamlProblems(doc: Document, lineCounter: LineCounter, source: ConfigSource): ConfigProblem[] {
  // Warnings (e.g. an unknown tag like !!js/function, silently read as a string) count too.
  return [...doc.errors, ...doc.warnings].map((e) =>
    problemAt(source, lineColumn(lineCounter, e.pos[0]), "", `invalid YAML: ${firstLine(e.message)}`),
  );
}

function toData(doc: Document, lineCounter: LineCounter, source: ConfigSource): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const reason = error instanceof Error && /alias/i.test(error.message)
      ? `YAML aliases expand too much (more than ${MAX_ALIAS_COUNT} expansions): refusing what looks like an alias bomb`
      : `invalid YAML: ${firstLine(error instanceof Error ? error.message : String(error))}`;
    throw configErrorFor(source, [problemAt(source, lineColumn(lineCounter, 0), "", reason)]);
  }
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
  const reason = message.replace(/ in JSON at position \d+.*$/s, "").replace(/, (\.\.\.)?".*" is not valid JSON$/s, "");
  // Some of V8's messages carry no position; the YAML reader usually stumbles at the same place.
  const yamlError = doc.errors[0];
  const where = position !== null
    ? offsetToLineColumn(text, Number(position[1]))
    : yamlError !== undefined
      ? lineColumn(lineCounter, yamlError.pos[0])
      : {};
  return problemAt(source, where, "", `invalid JSON: ${firstLine(reason)}`);
}

function offsetToLineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

function lineColumn(lineCounter: LineCounter, offset: number): { line: number; column: number } {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

function pick(data: unknown, base: readonly string[]): unknown {
  let value = data;
  for (const key of base) {
    value = value !== null && typeof value === "object" && Object.hasOwn(value, key)
      ? (value as Record<string, unknown>)[key]
      : undefined;
  }
  return value;
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}
