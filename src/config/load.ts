// Finds, reads, parses and validates the config: the one entry point commands use. JSON and
// YAML keep positions for file:line:column messages; JS/TS configs are reported by file.
import { readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, extname, resolve } from "node:path";
import { ConfigError } from "../errors.js";
import { defaultCacheDir } from "./defaults.js";
import { findConfigFile, PACKAGE_JSON_KEY } from "./discover.js";
import { detectWrongEncoding } from "./encoding.js";
import { displayPath } from "./field-position.js";
import { noPositions, type Locator } from "./positions.js";
import type { ParsedConfig } from "./parse.js";
import { pickKeys, readPlainJson } from "./plain-json.js";
import { configErrorFor, problemAt, type ConfigSource } from "./problems.js";
import { escapeControlCharacters, quote } from "./quote.js";
import type { QusConfig } from "./types.js";
import { validateConfig } from "./validate.js";

/** Where to find the config and what environment to resolve defaults from. */
export interface LoadConfigOptions {
  /** `--config PATH`: load exactly this file (relative to cwd); its extension picks the format. */
  readonly configPath?: string;
  /** Directory searched when configPath is not given. */
  readonly cwd: string;
  /** Environment for defaults such as the cache directory (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

/** Config files larger than this are refused: real ones are a few hundred bytes. */
const MAX_CONFIG_BYTES = 1024 * 1024;

const MODULE_EXTENSIONS = new Set([".js", ".mjs", ".cjs", ".ts"]);
const YAML_EXTENSIONS = new Set(["", ".yaml", ".yml"]);

/** Loads and validates the config; every failure the user can fix is a ConfigError. */
export async function loadConfig(options: LoadConfigOptions): Promise<QusConfig> {
  const env = options.env ?? process.env;
  const cwd = resolve(options.cwd);
  const file =
    options.configPath === undefined ? await findConfigFile(cwd) : resolve(cwd, options.configPath);
  const source: ConfigSource = {
    path: file,
    display: escapeControlCharacters(displayPath(file, cwd)),
  };
  const text = await readConfigText(source);
  const parsed = await parseConfig(text, source);
  return validateConfig(parsed.data, parsed.positions, source, {
    configFile: file,
    baseDir: dirname(file),
    defaultCacheDir: defaultCacheDir(env, process.geteuid?.() === 0, homedir()),
  });
}

async function readConfigText(source: ConfigSource): Promise<string> {
  const where = source.display;
  let info;
  try {
    info = await stat(source.path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const text =
      code === "ENOENT"
        ? `config file ${where} does not exist`
        : `cannot read config file ${where} (${code})`;
    throw new ConfigError(text, [], { cause: error });
  }
  if (!info.isFile()) throw new ConfigError(`config file ${where} is not a regular file`);
  if (info.size > MAX_CONFIG_BYTES) {
    throw new ConfigError(
      `config file ${where} is ${info.size} bytes; qus refuses configs over ${MAX_CONFIG_BYTES} bytes`,
    );
  }
  // qus runs as root: a config anyone can edit would let anyone choose what root installs.
  if ((info.mode & 0o002) !== 0) {
    throw new ConfigError(`config file ${where} is writable by every user, so qus refuses it`, [], {
      hint: `remove write permission for others: chmod o-w ${where}`,
    });
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(source.path);
  } catch (error) {
    throw new ConfigError(
      `cannot read config file ${where} (${(error as NodeJS.ErrnoException).code})`,
      [],
      { cause: error },
    );
  }
  const encoding = detectWrongEncoding(bytes);
  if (encoding !== undefined) {
    const text = `the file is ${encoding.name} text (it starts with ${encoding.evidence}); qus reads UTF-8 only`;
    throw configErrorFor(
      source,
      [problemAt(source, { line: 1, column: 1 }, "", text)],
      `save it as UTF-8, e.g. iconv -f ${encoding.name} -t UTF-8`,
    );
  }
  return bytes.toString("utf8").replace(/^\uFEFF/, "");
}

/** Config data, and where each field was written (worked out only when a problem is reported). */
interface ConfigData {
  readonly data: unknown;
  readonly positions: () => Promise<Locator>;
}

async function parseConfig(text: string, source: ConfigSource): Promise<ConfigData> {
  const extension = extname(source.path);
  if (basename(source.path) === "package.json") {
    const parsed = await parseJson(text, source, [PACKAGE_JSON_KEY]);
    if (parsed.data === undefined)
      throw new ConfigError(`${source.display} has no "${PACKAGE_JSON_KEY}" key`);
    return parsed;
  }
  if (extension === ".json") return parseJson(text, source);
  if (YAML_EXTENSIONS.has(extension))
    return located((await yamlParser()).parseYamlConfig(text, source));
  if (MODULE_EXTENSIONS.has(extension)) {
    // Loaded only for JS/TS configs (it brings cosmiconfig's loaders and a syntax checker).
    const { loadModuleConfig } = await import("./load-module.js");
    return {
      data: await loadModuleConfig(source.path, text, source),
      positions: async () => noPositions,
    };
  }
  throw new ConfigError(
    `config file ${source.display} has an unsupported extension ${quote(extension)} ` +
      "(use .json, .yaml, .yml, .js, .mjs, .cjs, .ts, or no extension for YAML)",
  );
}

/**
 * Valid JSON without repeated keys (every working config) is read with JSON.parse alone; the
 * YAML reader, which keeps positions, is loaded only to report a problem.
 */
async function parseJson(
  text: string,
  source: ConfigSource,
  base: readonly string[] = [],
): Promise<ConfigData> {
  const plain = readPlainJson(text);
  if (plain === undefined) return located((await yamlParser()).parseJsonConfig(text, source, base));
  return {
    data: pickKeys(plain.value, base),
    positions: async () => (await yamlParser()).parseJsonConfig(text, source, base).locate,
  };
}

/** parse.ts with the yaml package loaded. */
async function yamlParser(): Promise<typeof import("./parse.js")> {
  const parser = await import("./parse.js");
  await parser.loadYaml();
  return parser;
}

function located(parsed: ParsedConfig): ConfigData {
  return { data: parsed.data, positions: async () => parsed.locate };
}
