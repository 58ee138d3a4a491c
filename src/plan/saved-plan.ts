// A saved plan (`qus plan --out FILE`) and how to tell whether it still holds: it carries digests
// of the configuration + resolved desired state and of the live state it was computed from, and
// those inputs themselves, so that a stale plan can say what changed. Pure (hashing only).
import { createHash } from "node:crypto";
import type { QusConfig } from "../config/types.js";
import type { PlanDocument } from "../views/plan-document.js";
import { compareText } from "./desired.js";
import type { Desired, Live, Plan } from "./types.js";
import type { SourceLock } from "../sources/lock.js";

/** What the `format` field of every saved plan says. */
export const SAVED_PLAN_FORMAT = "qus-saved-plan";
/** Bumped on an incompatible change: older or newer files are refused, never guessed at. */
export const SAVED_PLAN_VERSION = "1";

/** The inputs a plan was computed from. */
export interface PlanInputs {
  readonly config: QusConfig;
  readonly desired: Desired;
  readonly live: Live;
}

/** The file `qus plan --out` writes and `qus apply FILE` / `qus show FILE` read. */
export interface SavedPlan extends PlanInputs {
  readonly format: typeof SAVED_PLAN_FORMAT;
  readonly format_version: typeof SAVED_PLAN_VERSION;
  readonly qus_version: string;
  readonly created_at: string;
  readonly digests: { readonly config: string; readonly live: string };
  readonly plan: Plan;
  /** The JSON plan, for `qus show` and for review tools. */
  readonly document: PlanDocument;
  /**
   * The lock the source resolved when the plan was made (null: the source has none): apply
   * resolves from it and writes it, since plan wrote nothing. Absent in plans of older qus.
   */
  readonly resolved_lock?: SourceLock | null;
}

/** SHA-256 of a value's canonical JSON (object keys sorted), so equal values hash equal. */
export function digestOf(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

/** The two digests of a plan's inputs: configuration (with what it resolved to) and live state. */
export function digestsOf(inputs: PlanInputs): { config: string; live: string } {
  return {
    config: digestOf({ config: inputs.config, desired: inputs.desired }),
    live: digestOf(inputs.live),
  };
}

/** Builds the saved form of a plan. */
export function savePlan(
  inputs: PlanInputs,
  plan: Plan,
  document: PlanDocument,
  meta: { qusVersion: string; createdAt: string; resolvedLock: SourceLock | null },
): SavedPlan {
  return {
    format: SAVED_PLAN_FORMAT,
    format_version: SAVED_PLAN_VERSION,
    qus_version: meta.qusVersion,
    created_at: meta.createdAt,
    digests: digestsOf(inputs),
    config: inputs.config,
    desired: inputs.desired,
    live: inputs.live,
    plan,
    document,
    resolved_lock: meta.resolvedLock,
  };
}

/** Why a saved plan no longer applies, one line per difference; empty when it still holds. */
export function staleness(saved: SavedPlan, now: PlanInputs): string[] {
  const current = digestsOf(now);
  const reasons: string[] = [];
  if (current.config !== saved.digests.config) {
    reasons.push(...configDifferences(saved, now));
    if (reasons.length === 0) reasons.push("the configuration or what it resolves to changed");
  }
  if (current.live !== saved.digests.live) {
    const before = reasons.length;
    reasons.push(...liveDifferences(saved.live, now.live));
    if (reasons.length === before) reasons.push("the live state changed");
  }
  return reasons;
}

function configDifferences(saved: PlanInputs, now: PlanInputs): string[] {
  const reasons: string[] = [];
  const keys = [...new Set([...Object.keys(saved.config), ...Object.keys(now.config)])].sort(
    compareText,
  );
  for (const key of keys) {
    const a = (saved.config as unknown as Record<string, unknown>)[key];
    const b = (now.config as unknown as Record<string, unknown>)[key];
    if (canonicalJson(a) !== canonicalJson(b)) reasons.push(`config: ${key} changed`);
  }
  const emulators = (d: Desired) => new Map(d.emulators.map((e) => [e.path, e.sha256]));
  for (const line of mapDifferences(emulators(saved.desired), emulators(now.desired))) {
    reasons.push(`emulator to install ${line} (the source now resolves to other content)`);
  }
  return reasons;
}

function liveDifferences(saved: Live, now: Live): string[] {
  const reasons: string[] = [];
  if (saved.mounted !== now.mounted)
    reasons.push(`binfmt_misc at ${now.binfmtDir} was ${now.mounted ? "mounted" : "unmounted"}`);
  if (saved.enabledGlobally !== now.enabledGlobally)
    reasons.push(
      `binfmt_misc at ${now.binfmtDir} was ${now.enabledGlobally ? "enabled" : "disabled"} as a whole`,
    );
  const entries = (live: Live) => new Map(live.entries.map((e) => [e.name, canonicalJson(e)]));
  for (const line of mapDifferences(entries(saved), entries(now)))
    reasons.push(`binfmt_misc entry ${line}`);
  const files = (live: Live) => new Map(live.files.map((f) => [f.path, f.sha256]));
  for (const line of mapDifferences(files(saved), files(now)))
    reasons.push(`emulator file ${line}`);
  const texts = (live: Live) => new Map(live.binfmtd.map((f) => [f.path, f.content]));
  for (const line of mapDifferences(texts(saved), texts(now)))
    reasons.push(`binfmt.d file ${line}`);
  if (canonicalJson(saved.state) !== canonicalJson(now.state))
    reasons.push("the state file changed (another apply ran)");
  return reasons;
}

/** "NAME appeared", "NAME disappeared", "NAME changed" for keys whose values differ (null = absent). */
function mapDifferences<V>(before: Map<string, V | null>, after: Map<string, V | null>): string[] {
  const lines: string[] = [];
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort(compareText)) {
    const a = before.get(key) ?? null;
    const b = after.get(key) ?? null;
    if (a === b) continue;
    lines.push(`${key} ${a === null ? "appeared" : b === null ? "disappeared" : "changed"}`);
  }
  return lines;
}

/** JSON with object keys sorted at every level; undefined members are dropped, as JSON does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortDeep(value));
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => compareText(a, b));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortDeep(v)]));
}
