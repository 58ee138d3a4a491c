// Maps a JSON pointer into a parsed YAML/JSON document to the line and column of the node, so
// every problem can be reported as file:line:column. JS/TS configs have no positions.
import type { Document, LineCounter, Node } from "yaml";
import { yaml } from "./yaml-module.js";
import { parsePointer } from "./pointer.js";
import type { LineColumn, Locator } from "./positions.js";

/**
 * A locator over a parsed document. `base` is prepended to every pointer (the `qus` key of a
 * package.json). A pointer that does not resolve falls back to its nearest existing parent.
 */
export function documentLocator(
  doc: Document,
  lineCounter: LineCounter,
  base: readonly string[] = [],
): Locator {
  const positionOf = (offset: number | undefined): LineColumn => {
    if (offset === undefined) return {};
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  return (pointer, part = "value") => {
    const segments = [...base, ...parsePointer(pointer)];
    let node: unknown = doc.contents;
    let keyNode: unknown;
    let lastFound: unknown = doc.contents;
    for (const segment of segments) {
      node = resolveAlias(doc, node);
      const step = childOf(node, segment);
      if (step === undefined) {
        keyNode = undefined;
        node = undefined;
        break;
      }
      keyNode = step.key;
      node = step.value;
      if (node !== undefined && node !== null) lastFound = node;
      else lastFound = step.key ?? lastFound;
    }
    const target = part === "key" ? (keyNode ?? node ?? lastFound) : (node ?? keyNode ?? lastFound);
    return positionOf(rangeStart(resolveAlias(doc, target) ?? target));
  };
}

function resolveAlias(doc: Document, node: unknown): unknown {
  return yaml().isAlias(node) ? node.resolve(doc) : node;
}

function childOf(node: unknown, segment: string): { key: unknown; value: unknown } | undefined {
  if (yaml().isMap(node)) {
    for (const pair of node.items) {
      if (!yaml().isPair(pair)) continue;
      const key = yaml().isScalar(pair.key) ? pair.key.value : pair.key;
      if (String(key) === segment) return { key: pair.key, value: pair.value };
    }
    return undefined;
  }
  if (yaml().isSeq(node) && /^(0|[1-9][0-9]*)$/.test(segment)) {
    const item = node.items[Number(segment)];
    return item === undefined ? undefined : { key: undefined, value: item };
  }
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | undefined)?.range;
  return Array.isArray(range) ? range[0] : undefined;
}
