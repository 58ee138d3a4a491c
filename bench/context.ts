// What every kernel benchmark shares: where the project and its built CLI are (the bench runs
// compiled from node_modules/.cache, so paths come from the working tree, not from this file),
// the config it writes (never persisted, never the host's paths), and timed runs in a sandbox.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { RunResult, Sandbox } from "../test/helpers/sandbox.js";

/** The repository root: the nearest directory above this file holding src/cli/main.ts. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "src", "cli", "main.ts")))
      return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find the qus project root above the bench script");
    dir = parent;
  }
}

/** The built CLI; throws "run npm run build" when it is missing or older than src/. */
export function builtCli(): string {
  const root = projectRoot();
  const cli = join(root, "dist", "bin", "qus.js");
  if (!existsSync(cli)) throw new Error(`${cli} does not exist: run npm run build`);
  const newest = newestMtimeMs(join(root, "src"));
  if (statSync(cli).mtimeMs < newest)
    throw new Error(`${cli} is older than src/: run npm run build`);
  return cli;
}

function newestMtimeMs(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Writes a qus config for a local source into `dir`; persist is always false (no binfmt.d writes)
 * and the download cache is in `dir`.
 */
export async function writeBenchConfig(
  dir: string,
  targets: readonly string[],
  emulators: string,
  extra: Readonly<Record<string, unknown>> = {},
): Promise<string> {
  const path = join(dir, "qus.config.json");
  const config = {
    targets,
    source: { type: "local", path: resolve(emulators) },
    installDir: join(dir, "emulators"),
    stateFile: join(dir, "state", "state.json"),
    cacheDir: join(dir, "cache"),
    ...extra,
    persist: false,
  };
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

/** A command's result plus its wall time as seen from this process (spawn to exit). */
export interface TimedResult extends RunResult {
  readonly ms: number;
}

/** Runs a command inside the sandbox and times it; throws with its output when it fails. */
export async function timedRun(
  sandbox: Sandbox,
  cmd: string,
  args: readonly string[],
  cwd: string,
  okCodes: readonly number[] = [0],
  env: Readonly<Record<string, string>> = {},
): Promise<TimedResult> {
  const started = performance.now();
  const result = await sandbox.run(cmd, args, {
    cwd,
    env: { NO_COLOR: "1", ...env },
    timeoutMs: 120_000,
  });
  const ms = performance.now() - started;
  if (!okCodes.includes(result.code)) {
    throw new Error(
      `${cmd} ${args.join(" ")} exited ${result.code} inside the sandbox; it ended with:\n${result.stdout.slice(-1500)}${result.stderr.slice(-1500)}`,
    );
  }
  return { ...result, ms };
}

/** Names of the entries a sandbox's binfmt_misc holds (without register and status). */
export function entryNames(sandbox: Sandbox): string[] {
  return readdirSync(sandbox.binfmtDir)
    .filter((name) => name !== "register" && name !== "status")
    .sort();
}

/**
 * The x64 standalone executable of the current sources, as `npm run release` makes it (the same
 * scripts: main script, assets, pinned Node). The release scripts cache it outside the clone by a
 * hash of what goes in, so only the first bench after a change builds it (a minute or so).
 */
export async function standaloneExecutable(): Promise<string> {
  const root = projectRoot();
  const script = (name: string): string =>
    pathToFileURL(join(root, "scripts", "release", name)).href;
  const { buildSeaBundle } = (await import(script("sea-bundle.mjs"))) as {
    buildSeaBundle(dir: string): Promise<unknown>;
  };
  const { buildExecutable } = (await import(script("sea.mjs"))) as {
    buildExecutable(arch: string, bundle: unknown, output: string): string;
  };
  const work = await mkdtemp(join(tmpdir(), "qus-bench-sea-"));
  try {
    const output = join(root, "node_modules", ".cache", "qus-bench", "qus-linux-x64");
    await mkdir(dirname(output), { recursive: true });
    return buildExecutable("x64", await buildSeaBundle(work), output);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * A directory for a sandbox's /var/cache (see startSandbox's varCache): root's default cache
 * directory, where the npm entry keeps its code cache, as on a host where qus ran before.
 */
export async function benchVarCache(dir: string): Promise<string> {
  const varCache = join(dir, "var-cache");
  await mkdir(varCache, { recursive: true });
  return varCache;
}

/** The V8 flags the standalone executable runs with (scripts/release/v8-flags.json). */
export function executableV8Flags(): string[] {
  const file = join(projectRoot(), "scripts", "release", "v8-flags.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { flags: string[] }).flags;
}
