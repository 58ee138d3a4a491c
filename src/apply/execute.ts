// Carries out a plan step by step, keeping the state file true enough after every change that
// an interrupted apply leaves a host the next apply converges from.
import type { Change, Plan, PlanSummary, StateRecord } from "../plan/types.js";
import { orderSteps, type Step, type StepGroup } from "../plan/steps.js";
import { summarise } from "../plan/plan.js";
import { writeState } from "../state/state-file.js";
import { nodeCrypto } from "../files/node-crypto.js";
import { QusError } from "../errors.js";
import type { ApplyEffects } from "./effects.js";

/** Runs each group (one per change) through `runGroups`, which shows progress. */
export type GroupRunner = (
  groups: readonly { title: string; run: () => Promise<void> }[],
) => Promise<void>;

/** What apply needs besides the plan. */
export interface ExecuteOptions {
  readonly binfmtDir: string;
  readonly stateFile: string;
  readonly state: StateRecord;
  readonly effects: ApplyEffects;
  readonly runGroups: GroupRunner;
  /** Checked between steps: when aborted, apply stops and reports what it did. */
  readonly signal?: AbortSignal;
  /**
   * Called with the 1-based step number right after each step's effect, before the state file
   * records it: the point where a crash leaves the most to reconcile. Fault-injection tests use it.
   */
  readonly afterEffect?: (stepNumber: number) => void;
  /**
   * false: kernel changes are not worth a state write of their own, because the instance dies
   * with the run (qus run's private binfmt_misc); file changes are still recorded at once.
   */
  readonly recordKernelChanges?: boolean;
}

/** Applies the plan; returns the counts of what was done. */
export async function executePlan(plan: Plan, options: ExecuteOptions): Promise<PlanSummary> {
  const state = mutableState(options.state);
  const done: Change[] = [];
  let stepNumber = 0;
  const effectDone = () => options.afterEffect?.(++stepNumber);
  let unsaved = false;
  const save = async (): Promise<void> => {
    if (!unsaved) return;
    unsaved = false;
    await writeState(options.stateFile, state);
  };
  const groups = orderSteps(plan.changes).map((group) => ({
    title: titleOf(group),
    run: async () => {
      try {
        for (const step of group.steps) {
          if (options.signal?.aborted) throw new InterruptedError(step);
          await runStep(step, options, state, effectDone);
        }
        done.push(group.change);
      } finally {
        const writesFiles = group.steps.some((step) => WRITES_FILES.has(step.op));
        if (writesFiles || options.recordKernelChanges !== false) unsaved = true;
        // A file's record is written at once: files outlive a reboot. Kernel entries do not, and
        // a missing record of one costs the next plan only a re-registration of a pinned entry,
        // so their records are written together (an atomic, fsynced write each was most of the
        // time of an apply of 30 registrations).
        if (writesFiles) await save();
      }
    },
  }));
  try {
    await options.runGroups(groups);
    await save();
  } catch (error) {
    await save();
    const summary = summarise(done);
    const progress = `Done before stopping: ${summary.add} added, ${summary.change} changed, ${summary.destroy} destroyed; run "qus plan" to see what is left.`;
    if (error instanceof QusError)
      throw new QusError(`${error.message}\n${progress}`, { cause: error, hint: error.hint });
    throw error;
  }
  return summarise(done);
}

/** Steps that change files (the others change only the kernel's entries). */
const WRITES_FILES: ReadonlySet<Step["op"]> = new Set([
  "install",
  "remove-file",
  "write-binfmtd",
  "remove-binfmtd",
]);

/** Raised when a signal stops apply between two steps. */
export class InterruptedError extends QusError {
  constructor(step: Step) {
    super(`Interrupted before: ${describeStep(step)}`);
  }
}

async function runStep(
  step: Step,
  options: ExecuteOptions,
  state: MutableState,
  effectDone: () => void,
): Promise<void> {
  const { effects, binfmtDir } = options;
  switch (step.op) {
    case "mount":
      await effects.mount(step.dir);
      return effectDone();
    case "install": {
      const { sha256, size } = await effects.install(step.from, step.path, step.sha256);
      effectDone();
      state.emulators[step.path] = { sha256, size };
      return;
    }
    case "register":
      await effects.register(binfmtDir, step.name, step.attributes);
      effectDone();
      if (step.emulatorSha256 !== null) {
        state.registrations[step.name] = {
          interpreter: step.attributes.interpreter,
          sha256: step.emulatorSha256,
        };
      }
      return;
    case "unregister":
      // Forgotten first: a crash right after the removal must not leave a record of a pin that is gone.
      delete state.registrations[step.name];
      await effects.unregister(binfmtDir, step.name);
      return effectDone();
    case "set-enabled":
      await effects.setEnabled(binfmtDir, step.name, step.enabled);
      return effectDone();
    case "remove-file":
      await effects.removeFile(step.path);
      effectDone();
      delete state.emulators[step.path];
      return;
    case "write-binfmtd":
      await effects.writeText(step.path, step.content);
      effectDone();
      state.binfmtd[step.path] = { sha256: await sha256Text(step.content) };
      return;
    case "remove-binfmtd":
      await effects.removeFile(step.path);
      effectDone();
      delete state.binfmtd[step.path];
      return;
  }
}

async function sha256Text(text: string): Promise<string> {
  return (await nodeCrypto()).createHash("sha256").update(text, "utf8").digest("hex");
}

/** The progress line for one change. */
export function titleOf(group: StepGroup): string {
  const c = group.change;
  if (c.kind === "mount") return `Mount binfmt_misc at ${c.address}`;
  if (c.kind === "emulator") {
    return (
      { create: "Install", replace: "Replace", update: "Update", delete: "Remove" }[c.action] +
      ` emulator ${c.address}`
    );
  }
  if (c.kind === "binfmtd")
    return (
      { create: "Write", replace: "Rewrite", delete: "Remove" }[c.action] +
      ` binfmt.d file ${c.address}`
    );
  if (c.action === "update") return `${c.after?.enabled ? "Enable" : "Disable"} ${c.address}`;
  return `${{ create: "Register", replace: "Re-register", delete: "Unregister" }[c.action]} ${c.address}`;
}

function describeStep(step: Step): string {
  switch (step.op) {
    case "mount":
      return `mounting binfmt_misc at ${step.dir}`;
    case "install":
      return `installing ${step.path}`;
    case "remove-file":
    case "remove-binfmtd":
      return `removing ${step.path}`;
    case "write-binfmtd":
      return `writing ${step.path}`;
    default:
      return `${step.op} ${step.name}`;
  }
}

type MutableState = {
  version: 1;
  emulators: Record<string, { sha256: string; size: number }>;
  registrations: Record<string, { interpreter: string; sha256: string }>;
  binfmtd: Record<string, { sha256: string }>;
};

function mutableState(state: StateRecord): MutableState {
  return {
    version: 1,
    emulators: { ...state.emulators },
    registrations: { ...state.registrations },
    binfmtd: { ...state.binfmtd },
  };
}
