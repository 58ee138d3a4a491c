// Shared set-up for the Debian source tests: the fixture archive served on loopback, a fresh
// cache and lock path per test, short timeouts so fault tests stay quick, and the checks that a
// failed resolution left nothing behind.
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { describeHost, type HostCpu } from "../../../src/catalog/host.js";
import type { DownloadPolicy } from "../../../src/sources/download.js";
import type { DebianSourceConfig } from "../../../src/sources/debian/config.js";
import {
  createDebianSource,
  type DebianSourceOptions,
} from "../../../src/sources/debian/source.js";
import type { ProgressEvent, ResolvedEmulator, SourceContext } from "../../../src/sources/types.js";
import type { DebianMirrorFixture, MirrorServer } from "../../helpers/debian-mirror.js";
import { tempDirs } from "../temp-dirs.js";
import { persistingSource } from "../persisting-source.js";

// Importing this module from a test file registers the clean-up of that file's workspaces.
const makeDir = tempDirs();

/** Fast timeouts and retries: fault tests take well under a second each. */
export const TEST_POLICY: DownloadPolicy = {
  responseTimeoutMs: 400,
  idleTimeoutMs: 400,
  retries: 2,
  retryDelayMs: 5,
  maxBytes: 256 * 1024 * 1024,
  progressIntervalMs: 0,
};

/** One test's working directory, context and collected messages. */
export interface Workspace {
  readonly dir: string;
  readonly lockFile: string;
  readonly cacheDir: string;
  readonly warnings: string[];
  readonly progress: ProgressEvent[];
  context(overrides?: Partial<SourceContext>): SourceContext;
}

/** A fresh directory holding the lock file and the cache. */
export async function workspace(host: HostCpu = describeHost("x86_64")): Promise<Workspace> {
  const dir = await makeDir("qus-debian-");
  const warnings: string[] = [];
  const progress: ProgressEvent[] = [];
  const lockFile = join(dir, "qus.lock.json");
  const cacheDir = join(dir, "cache");
  return {
    dir,
    lockFile,
    cacheDir,
    warnings,
    progress,
    context: (overrides = {}) => ({
      host,
      lockFile,
      cacheDir,
      upgrade: false,
      env: process.env,
      requireStatic: true,
      onWarning: (message) => warnings.push(message),
      onProgress: (event) => progress.push(event),
      ...overrides,
    }),
  };
}

/** A Debian source against the fixture server, trusting the fixture key unless told otherwise. */
export function fixtureSource(
  mirror: DebianMirrorFixture,
  server: MirrorServer,
  config: Partial<Omit<DebianSourceConfig, "suites">> & { suite: string | readonly string[] },
  options: DebianSourceOptions = {},
) {
  const { suite, ...rest } = config;
  return persistingSource(
    createDebianSource(
      {
        type: "debian",
        mirror: server.url,
        keyring: mirror.trustedKeyring,
        ...rest,
        suites: typeof suite === "string" ? [suite] : suite,
      },
      { downloadPolicy: TEST_POLICY, ...options },
    ),
  );
}

/** Resolves and returns emulator -> sha256, for compact assertions. */
export function digests(resolved: readonly ResolvedEmulator[]): Record<string, string> {
  return Object.fromEntries(resolved.map((r) => [r.emulator, r.sha256]));
}

/** Everything a failed run could have left in the cache: temp files and executable (emulator) blobs. */
export async function leftovers(cacheDir: string): Promise<string[]> {
  const dir = join(cacheDir, "sha256");
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: string[] = [];
  for (const name of names) {
    if (name.startsWith(".tmp-")) out.push(name);
    else if (((await stat(join(dir, name))).mode & 0o111) !== 0) out.push(`${name} (emulator)`);
  }
  return out;
}

/** The lock file's text, or null when absent. */
export async function lockText(path: string): Promise<string | null> {
  return readFile(path, "utf8").catch(() => null);
}
