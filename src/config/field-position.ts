// Where a config field was written, worked out after loading, only when a message needs it (a
// source.path that does not exist, an empty target list with prune): the config is read and
// parsed again with positions. Anything that goes wrong just leaves the position out.
import { readFile } from "node:fs/promises";
import { basename, extname, isAbsolute, relative } from "node:path";
import { PACKAGE_JSON_KEY } from "./discover.js";
import { escapeControlCharacters } from "./quote.js";

/** `file:line:column` of the field at `pointer` (e.g. /source/path), or the file alone; null without a file. */
export async function fieldPosition(
  file: string | null,
  pointer: string,
  cwd: string,
): Promise<string | null> {
  if (file === null) return null;
  const display = escapeControlCharacters(displayPath(file, cwd));
  try {
    const extension = extname(file);
    const isPackage = basename(file) === "package.json";
    if (!isPackage && ![".json", ".yaml", ".yml", ""].includes(extension)) return display;
    const text = (await readFile(file, "utf8")).replace(/^\uFEFF/, "");
    const source = { path: file, display };
    const base = isPackage ? [PACKAGE_JSON_KEY] : [];
    const parse = await import("./parse.js");
    // Positions come from yaml's parser, for JSON too; it loads only when a message needs it.
    await parse.loadYaml();
    const parsed =
      extension === ".json" || isPackage
        ? parse.parseJsonConfig(text, source, base)
        : parse.parseYamlConfig(text, source, base);
    const { line, column } = parsed.locate(pointer);
    if (line === undefined) return display;
    return column === undefined ? `${display}:${line}` : `${display}:${line}:${column}`;
  } catch {
    return display;
  }
}

/** The path as users think of it: relative when inside cwd, absolute otherwise. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}
