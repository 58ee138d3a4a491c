// `qus apply` and `qus destroy`: take the apply lock, plan, ask (unless --auto-approve), then make
// only those changes. `qus apply FILE` applies a saved plan exactly, after checking that neither
// the configuration nor the live state changed since it was made (no prompt: it is the approval).
import { dirname, resolve } from "node:path";
import { ATOMIC_TEMP_PATTERN, sweepTempLeftovers } from "../files/temp-files.js";
import type { CliArgs } from "../cli/args.js";
import type { QusConfig } from "../config/types.js";
import { styleFor, writeLine, type CommandIO } from "../cli/io.js";
import { confirmApply } from "../cli/prompt.js";
import { executePlan } from "../apply/execute.js";
import { realEffects } from "../apply/effects.js";
import { faultHookFrom } from "../apply/fault-hook.js";
import { progressRunner } from "../apply/progress.js";
import { QusError, StalePlanError } from "../errors.js";
import { needsRootFix, needsRootMessage, SEE_DOCTOR } from "../doctor/conditions.js";
import { FileWriteError } from "../files/atomic.js";
import {
  acquireApplyLock,
  applyLockPath,
  DEFAULT_LOCK_TIMEOUT_MS,
  type HeldLock,
} from "../lock/apply-lock.js";
import { persistLockChange } from "../sources/lock-change.js";
import type { SavedPlan, staleness } from "../plan/saved-plan.js";
import { renderApplyComplete, renderDestroyComplete } from "../views/plan-text.js";
import { loadCommandConfig, planConfig } from "./pipeline.js";
import { planDocument, printJson, printPlanText, withRendered } from "./show-plan.js";

type ApplyArgs = Extract<CliArgs, { command: "apply" | "destroy" }>;

/** Runs apply (or destroy); returns the exit code (2 when changes were made, with --detailed-exitcode). */
export async function applyCommand(args: ApplyArgs, io: CommandIO): Promise<number> {
  const destroy = args.command === "destroy";
  // Loaded only for a saved plan (its digests need node:crypto, which a plain apply never loads).
  const savedPlans =
    args.planFile === undefined
      ? null
      : {
          ...(await import("../plan/saved-plan.js")),
          ...(await import("../state/saved-plan-file.js")),
        };
  const saved =
    args.planFile === undefined || savedPlans === null
      ? null
      : await savedPlans.readSavedPlan(resolve(io.cwd, args.planFile));
  const config = await loadCommandConfig(args.configPath ?? configFileOf(saved, args), io);
  const lock = await takeLock(config, args, io);
  const lockedAt = Date.now();
  try {
    // A saved plan's resolution starts from the lock it resolved (plan did not write it).
    const planned = await planConfig(config, io, {
      destroy,
      upgrade: args.upgrade,
      color: args.color,
      ...(saved?.resolved_lock === undefined ? {} : { lock: saved.resolved_lock }),
    });
    await sweepLeftovers(config, lockedAt, io);
    if (saved !== null && savedPlans !== null)
      refuseIfStale(saved, planned, args, savedPlans.staleness);
    const plan = saved?.plan ?? planned.plan;
    const doc = saved?.document ?? planDocument(planned);
    if (!args.json) printPlanText(doc, args, io);
    if (!doc.has_changes) {
      await persistLockChange(planned.lock);
      if (args.json)
        printJson({ ...withRendered(doc), applied: { add: 0, change: 0, destroy: 0 } }, io);
      return (await verified(args, config, io)) ? 0 : 1;
    }
    refuseWithoutRoot(args.command);
    if (!args.autoApprove && saved === null) await confirmApply(io, args.command);

    const abort = new AbortController();
    const stop = () => abort.abort();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    try {
      const applied = await executePlan(plan, {
        binfmtDir: config.binfmtDir,
        stateFile: config.stateFile,
        state: planned.live.state,
        effects: realEffects,
        runGroups: progressRunner(io.stderr, styleFor(io.stderr, io.env, args.color).colour),
        signal: abort.signal,
        afterEffect: faultHookFrom(io.env),
      });
      // The lock records what is now installed: written only once the apply succeeded.
      await persistLockChange(planned.lock);
      const line = destroy ? renderDestroyComplete(applied) : renderApplyComplete(applied);
      if (args.json) printJson({ ...withRendered(doc), applied }, io);
      else writeLine(io.stdout, `\n${line}`);
      if (!(await verified(args, config, io))) return 1;
      return args.detailedExitcode ? 2 : 0;
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    }
  } finally {
    await lock.release();
  }
}

/**
 * Removes `.qus-tmp-*` files a killed apply left in the directories only apply writes (installDir,
 * binfmtDDir, the state file's). This apply holds the lock, so none of them is still being written.
 */
async function sweepLeftovers(config: QusConfig, lockedAt: number, io: CommandIO): Promise<void> {
  const dirs = [config.installDir, config.binfmtDDir, dirname(config.stateFile)];
  const removed = await sweepTempLeftovers(dirs, ATOMIC_TEMP_PATTERN, lockedAt);
  if (removed.length > 0)
    io.stderr.write(`Removed temp files an interrupted run left: ${removed.join(", ")}\n`);
}

/** The config a saved plan was made from (unless -c names another). */
function configFileOf(saved: SavedPlan | null, args: ApplyArgs): string | undefined {
  if (saved === null) return undefined;
  if (saved.config.file === null) {
    throw new QusError(`Saved plan ${args.planFile} was made from the embedded default config`, {
      hint: "give the config with -c FILE",
    });
  }
  return saved.config.file;
}

/** Changes need root: said with doctor's words, before anything is asked or changed. */
function refuseWithoutRoot(command: ApplyArgs["command"]): void {
  if (process.geteuid?.() === 0) return;
  throw new QusError(needsRootMessage(command), {
    hint: `${needsRootFix(command)}\n${SEE_DOCTOR}`,
  });
}

/** One apply at a time: waits (bounded) for another qus, saying so on stderr. */
async function takeLock(config: QusConfig, args: ApplyArgs, io: CommandIO): Promise<HeldLock> {
  const path = applyLockPath(config.stateFile, io.env);
  try {
    return await lockAt(path, args, io);
  } catch (error) {
    // A user who cannot create the lock in root's state directory is told why, not just EACCES.
    if (error instanceof FileWriteError && DENIED.has(error.code ?? ""))
      refuseWithoutRoot(args.command);
    throw error;
  }
}

const DENIED: ReadonlySet<string> = new Set(["EACCES", "EPERM", "EROFS"]);

function lockAt(path: string, args: ApplyArgs, io: CommandIO): Promise<HeldLock> {
  return acquireApplyLock(path, {
    timeoutMs: args.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    command: `qus ${args.command}`,
    onWait: (holder) =>
      io.stderr.write(
        `Waiting for the apply lock ${path}${holder === null ? "" : `, held by pid ${holder.pid} (${holder.command}) since ${holder.since}`}...\n`,
      ),
  });
}

/** Exit 1 with what changed when the config or the live state differs from the saved plan's. */
function refuseIfStale(
  saved: SavedPlan,
  now: Parameters<typeof staleness>[1],
  args: ApplyArgs,
  compare: typeof staleness,
): void {
  const reasons = compare(saved, now);
  if (reasons.length === 0) return;
  throw new StalePlanError(
    `Saved plan is stale: the host or the configuration changed since it was made (${saved.created_at}):\n${reasons.map((r) => `  - ${r}`).join("\n")}`,
    {
      hint: `nothing was changed; make and review a new plan: qus plan --out ${args.planFile}`,
    },
  );
}

/** `apply --verify`: runs qus verify once apply is done (loaded only then); false when a target failed. */
async function verified(args: ApplyArgs, config: QusConfig, io: CommandIO): Promise<boolean> {
  if (args.command !== "apply" || args.verify !== true) return true;
  return (await import("./verify.js")).verifyAfterApply(config, io, args);
}
