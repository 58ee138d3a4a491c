// `qus run -- CMD`: rootless emulation. One Node process plans everything as the real user: the
// configured targets against a new, empty binfmt_misc instance, with emulators installed in the
// user's cache. Then a few lines of shell in a new user namespace (Linux 6.7+ gives each its own
// binfmt_misc) mount that instance, prove it is private, register the lines and exec CMD: where
// Node can (process.execve), qus hands its own process to them, so CMD ends up with qus's pid.
// Nothing on the host changes, and no privilege is needed.
import type { CliArgs } from "../cli/args.js";
import type { CommandIO } from "../cli/io.js";
import type { QusConfig } from "../config/types.js";
import { QusError } from "../errors.js";
import { executePlan } from "../apply/execute.js";
import { persistLockChange } from "../sources/lock-change.js";
import { realEffects, type ApplyEffects } from "../apply/effects.js";
import type { BinfmtState } from "../kernel/binfmt.js";
import { encodeRegisterLine } from "../kernel/register-line.js";
import { RUN_BINFMT_DIR, runInNamespace } from "../run/namespace.js";
import { canHandOver, handOverToNamespace } from "../run/exec-namespace.js";
import { qusErrorText } from "../cli/error-text.js";
import { styleFor } from "../cli/io.js";
import { SEE_DOCTOR, usernsBlock } from "../doctor/conditions.js";
import { readUsernsSettings } from "../doctor/facts.js";
import { hostProbe } from "../doctor/host-probe.js";
import { renderApplyComplete } from "../views/plan-text.js";
import { join } from "node:path";
import { loadCommandConfig, planConfig } from "./pipeline.js";

/** The settings qus run applies with: the config's targets, everything else private to the user. */
export function runSettings(config: QusConfig, cacheDir: string): QusConfig {
  const runDir = join(cacheDir, "run");
  return {
    ...config,
    binfmtDir: RUN_BINFMT_DIR,
    installDir: join(runDir, "emulators"),
    stateFile: join(runDir, "state.json"),
    cacheDir,
    prune: true,
    persist: false,
  };
}

/** What a new binfmt_misc instance holds: nothing, enabled (the namespace script proves it). */
function newInstance(): BinfmtState {
  return { mounted: true, enabledGlobally: true, entries: [] };
}

/** Runs CMD in a private binfmt_misc; returns CMD's exit status. */
export async function runCommand(
  args: Extract<CliArgs, { command: "run" }>,
  io: CommandIO,
): Promise<number> {
  if (args.argv.length === 0)
    throw new QusError("qus run needs a command to run, e.g. qus run -- ./hello-arm64");
  const loaded = await loadCommandConfig(args.configPath, io);
  await refuseBlockedNamespaces(io);
  const config = runSettings(loaded, loaded.cacheDir);
  const planned = await planConfig(config, io, { destroy: false, kernel: newInstance() });
  const registerLines: string[] = [];
  const applied = await executePlan(planned.plan, {
    binfmtDir: config.binfmtDir,
    stateFile: config.stateFile,
    state: planned.live.state,
    effects: collectingEffects(registerLines),
    recordKernelChanges: false,
    runGroups: async (groups) => {
      for (const group of groups) await group.run();
    },
  });
  await persistLockChange(planned.lock);
  const registered = planned.desired.registrations.map((r) => r.target).join(", ") || "no targets";
  const namespace = {
    registerLines,
    doneLine: `qus run: ${registered} registered in a private binfmt_misc; ${renderApplyComplete(applied).trim()}`,
    argv: args.argv,
    cwd: io.cwd,
    env: io.env,
  };
  // With --json an error must print as JSON: only a Node process still running can do that.
  if (canHandOver() && !args.json) {
    const style = styleFor(io.stderr, io.env, args.color);
    handOverToNamespace(namespace, (error) => qusErrorText(error, style));
  }
  return runInNamespace(namespace);
}

/** Real file effects; registrations become lines for the namespace script (the new instance is empty, so nothing else happens in the kernel). */
function collectingEffects(registerLines: string[]): ApplyEffects {
  const notInNewInstance = async (): Promise<never> => {
    throw new QusError("qus run: a new binfmt_misc instance has no entries to change");
  };
  return {
    ...realEffects,
    mount: notInNewInstance,
    unregister: notInNewInstance,
    setEnabled: notInNewInstance,
    register: async (_dir, name, a) => {
      registerLines.push(encodeRegisterLine({ ...a, name }));
    },
  };
}

/** Stops before any download when a setting forbids this user a namespace, naming it as qus doctor does. */
async function refuseBlockedNamespaces(io: CommandIO): Promise<void> {
  const probe = hostProbe(io.env);
  const block = usernsBlock(await readUsernsSettings(probe), probe.uid);
  if (block !== null) throw new QusError(block.message, { hint: `${block.fix}\n${SEE_DOCTOR}` });
}
