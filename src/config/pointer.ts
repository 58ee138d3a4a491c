// JSON pointers (RFC 6901) name a field in a config; users read them as `targets[2].name`.
import { quote } from "./quote.js";

/** Splits a JSON pointer ("/targets/2/name") into its unescaped segments. */
export function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** Builds a JSON pointer from segments, escaping `~` and `/`. */
export function joinPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${String(s).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
}

/** Spells a pointer the way users write paths in code: `targets[2].name`, `source.path`. */
export function fieldLabel(pointer: string): string {
  let label = "";
  for (const segment of parsePointer(pointer)) {
    if (/^(0|[1-9][0-9]*)$/.test(segment)) label += `[${segment}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment))
      label += label === "" ? segment : `.${segment}`;
    else label += `[${quote(segment)}]`;
  }
  return label;
}
