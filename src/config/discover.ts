// Finds the config file when none is given with --config.
//
// Where qus looks, and why only there: the current directory and nowhere else. qus runs as
// root, so walking up the tree (as cosmiconfig's "project"/"global" strategies do) would let a
// config in a parent directory that someone else can write, such as /tmp or a shared checkout,
// decide what root installs and registers; Terraform, the tool users compare qus with, also
// reads only the working directory. For the same reason cosmiconfig's search is not used at
// all: every cosmiconfig() call first reads a "meta-config" (`.config/config.*` or a
// `cosmiconfig` key in package.json, in process.cwd()) that can redirect the search and even
// executes `.config/config.js`/`.ts`, and its loader follows `$import` keys into other files.
// qus lists the candidates itself and uses cosmiconfig only to load JS/TS files.
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError, ConfigNotFoundError } from "../errors.js";

/** The file names qus accepts as a config, in the order they are listed in messages. */
export const CONFIG_FILE_NAMES: readonly string[] = [
  "qus.config.json",
  "qus.config.yaml",
  "qus.config.yml",
  "qus.config.js",
  "qus.config.mjs",
  "qus.config.cjs",
  "qus.config.ts",
  ".qusrc",
  ".qusrc.json",
  ".qusrc.yaml",
  ".qusrc.yml",
  ".qusrc.js",
  ".qusrc.mjs",
  ".qusrc.cjs",
  ".qusrc.ts",
];

/** The package.json key that may hold a config. */
export const PACKAGE_JSON_KEY = "qus";

/** How "where qus looked" reads in messages. */
export const SEARCH_DESCRIPTION =
  "qus.config.{json,yaml,yml,js,mjs,cjs,ts}, .qusrc, .qusrc.{json,yaml,yml,js,mjs,cjs,ts}, " +
  `or a "${PACKAGE_JSON_KEY}" key in package.json`;

/**
 * The one config file in `dir`. Throws ConfigNotFoundError when there is none and ConfigError
 * when there are several (qus does not guess which one you meant).
 */
export async function findConfigFile(dir: string): Promise<string> {
  const found: string[] = [];
  for (const name of CONFIG_FILE_NAMES) {
    if (await isFile(join(dir, name))) found.push(join(dir, name));
  }
  if (await packageJsonHasConfig(join(dir, "package.json"))) found.push(join(dir, "package.json"));
  if (found.length === 1) return found[0]!;
  if (found.length === 0) {
    throw new ConfigNotFoundError(
      `no qus config found in ${dir} (looked for ${SEARCH_DESCRIPTION})`,
      [],
      {
        hint: "pass the file with --config PATH, or create one with `qus init`",
      },
    );
  }
  const names = found.map((f) => f.slice(dir.length + 1)).join(", ");
  throw new ConfigError(`more than one qus config in ${dir}: ${names}`, [], {
    hint: "keep one of them, or choose one with --config PATH",
  });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function packageJsonHasConfig(path: string): Promise<boolean> {
  if (!(await isFile(path))) return false;
  try {
    const content: unknown = JSON.parse(await readFile(path, "utf8"));
    return (
      content !== null && typeof content === "object" && Object.hasOwn(content, PACKAGE_JSON_KEY)
    );
  } catch {
    // A broken package.json is not a qus config; the user's tooling will complain about it.
    return false;
  }
}
