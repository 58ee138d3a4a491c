// Shared set-up for the Fedora source tests: the fixture repository served on loopback, a fresh
// cache and lock path per test, short timeouts so fault tests stay quick, and the checks that a
// refused package left nothing behind.
import { mkdtemp, readdir, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeHost, type HostCpu } from "../../../src/catalog/host.js";
import type { FedoraSourceConfig } from "../../../src/config/types.js";
import type { DownloadPolicy } from "../../../src/sources/download.js";
import {
  createFedoraSource,
  type FedoraSourceOptions,
} from "../../../src/sources/fedora/source.js";
import type { ResolvedEmulator, SourceContext } from "../../../src/sources/types.js";
import type { MirrorServer } from "../../helpers/debian-mirror.js";
import type { FedoraRepoFixture } from "../../helpers/fedora-repo.js";
import { persistingSource } from "../persisting-source.js";

/** Fast timeouts and retries: fault tests take well under a second each. */
export const TEST_POLICY: DownloadPolicy = {
  responseTimeoutMs: 400,
  idleTimeoutMs: 400,
  retries: 2,
  retryDelayMs: 5,
  maxBytes: 256 * 1024 * 1024,
  progressIntervalMs: 0,
};

/** One test's working directory, context and collected warnings. */
export interface Workspace {
  readonly dir: string;
  readonly lockFile: string;
  readonly cacheDir: string;
  readonly warnings: string[];
  context(overrides?: Partial<SourceContext>): SourceContext;
}

/** A fresh directory holding the lock file and the cache. */
export async function workspace(host: HostCpu = describeHost("x86_64")): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), "qus-fedora-"));
  const warnings: string[] = [];
  const lockFile = join(dir, "qus.lock.json");
  const cacheDir = join(dir, "cache");
  return {
    dir,
    lockFile,
    cacheDir,
    warnings,
    context: (overrides = {}) => ({
      host,
      lockFile,
      cacheDir,
      upgrade: false,
      env: process.env,
      requireStatic: true,
      onWarning: (message) => warnings.push(message),
      ...overrides,
    }),
  };
}

/** A Fedora source against the fixture server, trusting the fixture key unless told otherwise. */
export function fixtureSource(
  repo: FedoraRepoFixture,
  server: MirrorServer,
  config: Partial<FedoraSourceConfig> = {},
  options: FedoraSourceOptions = {},
) {
  return persistingSource(
    createFedoraSource(
      { type: "fedora", release: 41, mirror: server.url, key: repo.trustedKey, ...config },
      { downloadPolicy: TEST_POLICY, ...options },
    ),
  );
}

/** emulator -> sha256, for compact assertions. */
export function digests(resolved: readonly ResolvedEmulator[]): Record<string, string> {
  return Object.fromEntries(resolved.map((r) => [r.emulator, r.sha256]));
}

/** Everything a refused package could have left in the cache: temp files and executable (emulator) blobs. */
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
