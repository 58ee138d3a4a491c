// Runs the built qus CLI inside a private binfmt_misc instance, with a scratch directory for
// its config, installed emulators and state file. Nothing here touches the host's binfmt_misc.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliPath, qemuDir, requireBuilt, requireFixtures } from "../helpers/fixtures.js";
import {
  startSandbox,
  type RunResult,
  type Sandbox,
  SANDBOX_BINFMT_DIR,
} from "../helpers/sandbox.js";

/** A sandbox plus a scratch directory, and helpers to run qus and shell commands there. */
export interface Harness {
  readonly sandbox: Sandbox;
  readonly dir: string;
  /** What the sandbox sees as /var/cache. */
  readonly varCache: string;
  readonly configPath: string;
  writeConfig(config: Record<string, unknown>): Promise<void>;
  qus(...args: string[]): Promise<RunResult>;
  sh(script: string): Promise<RunResult>;
  entry(name: string): Promise<string | null>;
  close(): Promise<void>;
}

/** The config every e2e test starts from: local emulators from the real Debian package. */
export function baseConfig(
  dir: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    targets: ["aarch64", "riscv64"],
    source: { type: "local", path: qemuDir() },
    installDir: join(dir, "emulators"),
    stateFile: join(dir, "state", "state.json"),
    // Never the host's /etc/binfmt.d, whatever the default (the sandbox's root is real root).
    persist: false,
    ...overrides,
  };
}

/** Starts a sandbox and a scratch directory holding qus.config.json. */
export async function openHarness(options: { mount?: boolean } = {}): Promise<Harness> {
  requireFixtures();
  requireBuilt();
  const dir = await mkdtemp(join(tmpdir(), "qus-e2e-"));
  // Root's default caches (/var/cache/qus) go to a directory of their own, never the host's
  // (beside dir, whose listing tests compare).
  const varCache = await mkdtemp(join(tmpdir(), "qus-e2e-var-cache-"));
  const sandbox = await startSandbox({ ...options, varCache });
  const configPath = join(dir, "qus.config.json");
  const sh = (script: string) => sandbox.run("sh", ["-c", script], { cwd: dir });
  return {
    sandbox,
    dir,
    varCache,
    configPath,
    writeConfig: (config) => writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`),
    qus: (...args) =>
      sandbox.run(process.execPath, [cliPath(), ...args], { cwd: dir, env: { NO_COLOR: "1" } }),
    sh,
    async entry(name) {
      const r = await sh(`cat ${SANDBOX_BINFMT_DIR}/${name} 2>/dev/null`);
      return r.code === 0 ? r.stdout : null;
    },
    async close() {
      await sandbox.stop();
      await rm(dir, { recursive: true, force: true });
      await rm(varCache, { recursive: true, force: true });
    },
  };
}
