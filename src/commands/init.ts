// `qus init`: writes a commented starter config in YAML (the format that keeps comments),
// checks it with the same validator every other command uses, and never overwrites a file.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { link, rm, writeFile } from "node:fs/promises";
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { CliArgs, InitSource } from "../cli/args.js";
import { writeLine, type CommandIO } from "../cli/io.js";
import { knownTargetSpellings, resolveTargetName } from "../catalog/targets.js";
import { closestMatch } from "../config/did-you-mean.js";
import { findConfigFile } from "../config/discover.js";
import { loadConfig } from "../config/load.js";
import { ConfigError, ConfigNotFoundError, QusError } from "../errors.js";
import { printJson } from "./show-plan.js";
import {
  CURRENT_DEBIAN_STABLE,
  CURRENT_DEBIAN_SUITES,
  CURRENT_FEDORA_RELEASE,
  currentQemuRange,
} from "../currency/current.js";

/** The targets a starter config lists: the ones people emulate most. */
export const INIT_DEFAULT_TARGETS = ["aarch64", "arm", "riscv64", "ppc64le", "s390x"] as const;
/** The file `qus init` writes when not given one. */
export const INIT_DEFAULT_FILE = "qus.config.yaml";
/** The schema's id, used as `$schema` when the schema file cannot be found on disk. */
const SCHEMA_ID = "urn:qus:schema:config:1";

/** What the starter config is made from. */
export interface StarterOptions {
  readonly source: InitSource;
  /** Canonical target names. */
  readonly targets: readonly string[];
  /** `$schema` value (a path or URL). */
  readonly schema: string;
  /** Directory of the local source. */
  readonly emulators: string;
}

/** The commented YAML text of a starter config. Pure. */
export function starterConfig(options: StarterOptions): string {
  const schema = JSON.stringify(options.schema);
  const targets = options.targets.map((t) => `  - ${t}`).join("\n");
  // Editors (yaml-language-server) can only follow a path or URL, not the schema's urn id.
  const editorHint = options.schema.startsWith("urn:")
    ? ""
    : `# yaml-language-server: $schema=${options.schema}\n`;
  return `${editorHint}# qus: which QEMU user-mode emulators to register in binfmt_misc.
#   qus plan     shows what would change (nothing is touched)
#   qus apply    makes only those changes
#   qus verify   runs a tiny program of each target through the kernel
$schema: ${schema}

# QEMU target names or common aliases (arm64, armhf, ppc64el, loong64...). Targets of the
# host's own CPU family are skipped (a handler for native programs would catch every exec).
targets:
${targets}
  # - name: mips64el
  #   enabled: false   # registered, but left disabled

# binfmt flags for every target: P keeps argv[0], O hands the binary over open, F makes the
# kernel hold the emulator open so it also works inside containers and chroots. C is refused
# unless allowCredentials is true: it lets foreign setuid programs gain privileges.
flags: POF

# Where the emulator binaries come from.
${sourceBlock(options)}

# installDir: /usr/local/lib/qus   # where qus installs the emulators it registers
# prune: true                      # remove qemu-* entries that this file no longer lists
# persist: true                    # binfmt.d files, so the entries come back after a reboot
`;
}

function sourceBlock(options: StarterOptions): string {
  switch (options.source) {
    case "debian":
      return `source:
  type: debian
  # Debian ${CURRENT_DEBIAN_STABLE} and its backports: every listed suite (and its security suite, if it has
  # one) is a candidate, and the newest package whose QEMU satisfies qemu below wins.
  suite: [${CURRENT_DEBIAN_SUITES.join(", ")}]
  # Accepted upstream QEMU versions (a semver range): older emulators have known issues,
  # e.g. no openat2 before 9.2, which today's GNU tar needs. See "Known issues" in the README.
  qemu: "${currentQemuRange()}"
  # mirror: https://deb.example.org/debian   # default: the Debian mirror in the host's APT sources
  # version: "1:10.0.13+ds-0+deb13u1"       # exact pin (must satisfy qemu); default: the newest`;
    case "fedora":
      return `source:
  type: fedora
  release: ${CURRENT_FEDORA_RELEASE}        # a supported Fedora release whose qemu-user-static packages are used
  qemu: "${currentQemuRange()}"   # accepted upstream QEMU versions (see "Known issues" in the README)
  # mirror: https://fedora.example.org/fedora/linux   # default: Fedora's public mirror
  # version: "10.2.2-1.fc${CURRENT_FEDORA_RELEASE}"                           # exact pin; default: the newest`;
    case "local":
      return `source:
  type: local
  path: ${JSON.stringify(options.emulators)}   # e.g. /usr/bin after installing the distro's qemu-user-static
  # pattern: ["qemu-{target}-static", "qemu-{target}"]`;
  }
}

/** Writes the starter config; exit 0, or an error when the file (or another config) exists. */
export async function initCommand(
  args: Extract<CliArgs, { command: "init" }>,
  io: CommandIO,
): Promise<number> {
  const file = resolve(io.cwd, args.configPath ?? INIT_DEFAULT_FILE);
  if (![".yaml", ".yml", ""].includes(extname(file))) {
    throw new QusError(
      `qus init writes YAML, the config format that keeps comments: name the file *.yaml, not ${basename(file)}`,
    );
  }
  if (existsSync(file))
    throw new QusError(`${file} already exists; qus init never overwrites a file`, {
      hint: "remove it first, or choose another name with -c FILE",
    });
  if (args.configPath === undefined) await refuseExistingConfig(io.cwd);

  const targets = canonicalTargets(args.targets ?? INIT_DEFAULT_TARGETS);
  const text = starterConfig({
    source: args.source,
    targets,
    schema: schemaReference(dirname(file)),
    emulators: resolve(io.cwd, args.emulators ?? "/usr/bin"),
  });
  await writeValidated(file, text, args.source, io);
  if (args.json)
    printJson({ format_version: "1", written: file, source: args.source, targets }, io);
  else
    writeLine(
      io.stdout,
      `Wrote ${file} (source: ${args.source}; targets: ${targets.join(", ")}).\nNext: review it, then run qus plan.`,
    );
  return 0;
}

/** Resolves aliases; an unknown name is a ConfigError with a "did you mean". */
function canonicalTargets(names: readonly string[]): string[] {
  if (names.length === 0) throw new ConfigError("--targets lists no target");
  const canonical = names.map((name) => {
    const info = resolveTargetName(name);
    if (info !== undefined) return info.name;
    const guess = closestMatch(name, knownTargetSpellings());
    throw new ConfigError(
      `unknown target "${name}" in --targets${guess ? ` (did you mean "${guess}"?)` : ""}`,
    );
  });
  return [...new Set(canonical)];
}

async function refuseExistingConfig(dir: string): Promise<void> {
  try {
    const existing = await findConfigFile(dir);
    throw new QusError(
      `${existing} already configures qus here; qus init never overwrites or adds a second config`,
    );
  } catch (error) {
    if (error instanceof ConfigNotFoundError) return;
    throw error;
  }
}

/** The schema file shipped with qus, relative to the config when nearby, else absolute. */
function schemaReference(configDir: string): string {
  const candidates = [
    new URL("../../schemas/qus.config.schema.json", import.meta.url),
    new URL("./schemas/qus.config.schema.json", import.meta.url),
  ];
  const found = candidates.map((url) => fileURLToPath(url)).find((path) => existsSync(path));
  if (found === undefined) return SCHEMA_ID;
  const rel = relative(configDir, found);
  return rel.startsWith("../..") || isAbsolute(rel)
    ? found
    : rel.startsWith(".")
      ? rel
      : `./${rel}`;
}

/** Validates the text as a config, then links it into place, which fails rather than overwrite. */
async function writeValidated(
  file: string,
  text: string,
  source: InitSource,
  io: CommandIO,
): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString("hex")}.yaml`);
  await writeFile(temp, text, { mode: 0o644, flag: "wx" });
  try {
    await loadConfig({ configPath: temp, cwd: io.cwd, env: io.env });
    await link(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST")
      throw new QusError(`${file} already exists; qus init never overwrites a file`);
    if (error instanceof ConfigError) {
      throw new QusError(
        `internal: the starter config for the ${source} source does not validate: ${error.message}`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}
