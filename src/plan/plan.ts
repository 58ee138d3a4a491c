// The pure planner: compares what qus wants with what the kernel and disk hold and lists the
// changes. No I/O, no clock: the same Desired and Live always give the same Plan.
import { compareText } from "./desired.js";
import { bootMasks } from "./boot-masks.js";
import { normaliseFlags } from "../catalog/flags.js";
import { effectiveMask, maskedMagic } from "./normalise.js";
import { planEmulators, planOrphanFiles } from "./plan-files.js";
import { planBinfmtd } from "./plan-binfmtd.js";
import type {
  Change,
  Desired,
  DesiredRegistration,
  Live,
  LiveEntry,
  Plan,
  PlanSummary,
  Reason,
  RegistrationAttributes,
} from "./types.js";

/** Why F forces a re-registration when only the file changes. */
export const F_PIN_NOTE =
  "with the F flag the kernel keeps the emulator it opened at registration; only re-registering loads the new file";

/** Computes the changes that make Live match Desired. */
export function plan(desired: Desired, live: Live): Plan {
  const changes: Change[] = [];
  const notes: string[] = desired.skipped.map((s) => `Skipped ${s.target}: ${s.reason}.`);
  const warnings: string[] = [...desired.warnings];
  let unchanged = 0;

  if (!live.mounted) {
    changes.push({
      kind: "mount",
      address: live.binfmtDir,
      action: "create",
      before: null,
      after: null,
      reasons: [],
    });
  } else if (!live.enabledGlobally) {
    warnings.push(
      `binfmt_misc is disabled as a whole at ${live.binfmtDir}: no registration takes effect until "1" is written to its status file`,
    );
  }

  const emulatorChanges = planEmulators(desired, live);
  const changedFiles = new Set(
    emulatorChanges.filter((c) => c.action !== "delete").map((c) => c.address),
  );
  unchanged += desired.emulators.length - changedFiles.size;

  const liveByName = new Map(live.entries.map((e) => [e.name, e]));
  const registrationChanges: Change[] = [];
  for (const want of desired.registrations) {
    const current = liveByName.get(want.name);
    // A disabled target qus registered before is absent after a reboot (binfmt.d cannot register a
    // disabled entry): absent and disabled both keep it from running, so that is no change.
    if (current === undefined && absentAfterBoot(want, live, desired)) {
      unchanged += 1;
      notes.push(
        `${want.name} is disabled and, as after a reboot, not registered: nothing to do (its binfmt.d file holds no register line).`,
      );
      continue;
    }
    const change = planRegistration(want, current, live, desired, changedFiles);
    if (change === null) unchanged += 1;
    else registrationChanges.push(change);
  }

  const wanted = new Set(desired.registrations.map((r) => r.name));
  const kept = new Set(desired.registrations.map((r) => r.interpreter));
  const keptEntries = new Set<string>();
  const foreign: string[] = [];
  for (const entry of live.entries) {
    if (wanted.has(entry.name)) continue;
    const owned = entry.name.startsWith(desired.prefix) && entry.type === "M";
    if (!owned) {
      foreign.push(entry.name);
      kept.add(entry.interpreter);
    } else if (desired.prune) {
      registrationChanges.push({
        kind: "registration",
        address: entry.name,
        action: "delete",
        before: attributesOf(entry),
        after: null,
        reasons: [],
      });
    } else {
      kept.add(entry.interpreter);
      keptEntries.add(entry.name);
      notes.push(`Kept ${entry.name}: not in the configuration, and "prune" is false.`);
    }
  }
  if (foreign.length > 0) {
    notes.push(
      `Left untouched (not owned by qus, whose entries start with "${desired.prefix}"): ${foreign.sort(compareText).join(", ")}.`,
    );
  }

  const orphanFiles = planOrphanFiles(desired, live, kept);
  const onDisk = (path: string) => live.binfmtd.find((f) => f.path === path)?.content ?? null;
  const masks = bootMasks(desired, live.bootFiles ?? [], onDisk, (path) =>
    Object.hasOwn(live.state.binfmtd ?? {}, path),
  );
  const withMasks: Desired = { ...desired, binfmtd: [...desired.binfmtd, ...masks] };
  const binfmtdChanges = planBinfmtd(withMasks, live, keptEntries);
  unchanged +=
    withMasks.binfmtd.length - binfmtdChanges.filter((c) => c.action !== "delete").length;
  changes.push(
    ...[...emulatorChanges, ...orphanFiles].sort((a, b) => compareText(a.address, b.address)),
    ...registrationChanges.sort((a, b) => compareText(a.address, b.address)),
    ...binfmtdChanges.sort((a, b) => compareText(a.address, b.address)),
  );
  return {
    binfmtDir: live.binfmtDir,
    changes,
    unchanged,
    summary: summarise(changes),
    warnings,
    notes,
  };
}

/** A disabled, persisted target that qus registered earlier (the state file says so). */
function absentAfterBoot(want: DesiredRegistration, live: Live, desired: Desired): boolean {
  return (
    !want.enabled && desired.persist === true && Object.hasOwn(live.state.registrations, want.name)
  );
}

function planRegistration(
  want: DesiredRegistration,
  current: LiveEntry | undefined,
  live: Live,
  desired: Desired,
  changedFiles: Set<string>,
): Change | null {
  const after = attributesOf(want);
  const sha = desired.emulators.find((e) => e.path === want.interpreter)?.sha256;
  const common = {
    kind: "registration",
    address: want.name,
    after,
    target: want.target,
    ...(sha ? { interpreterSha256: sha } : {}),
  } as const;
  if (current === undefined) {
    return { ...common, action: "create", before: null, reasons: [] };
  }
  const before = attributesOf(current);
  const reasons = replacementReasons(want, current);
  const pinned = pinnedEmulatorReason(want, live, desired, changedFiles);
  if (pinned !== null) reasons.push(pinned);
  const enabledDiffers = current.enabled !== want.enabled;
  if (reasons.length > 0) {
    if (enabledDiffers) reasons.push(enabledReason(current.enabled, want.enabled));
    return { ...common, action: "replace", before, reasons };
  }
  if (enabledDiffers) {
    return {
      ...common,
      action: "update",
      before,
      reasons: [enabledReason(current.enabled, want.enabled)],
    };
  }
  return null;
}

/** Differences the kernel cannot change in place: each forces remove + register. */
function replacementReasons(want: DesiredRegistration, current: LiveEntry): Reason[] {
  const reasons: Reason[] = [];
  const differ = (attribute: string, before: string | null, after: string | null, note?: string) =>
    reasons.push({ attribute, before, after, forcesReplacement: true, ...(note ? { note } : {}) });
  if (current.type !== "M") differ("type", current.type, "M");
  if (current.interpreter !== want.interpreter)
    differ("interpreter", current.interpreter, want.interpreter);
  if (normaliseFlags(current.flags) !== normaliseFlags(want.flags))
    differ("flags", current.flags, normaliseFlags(want.flags));
  if (current.offset !== want.offset) differ("offset", String(current.offset), String(want.offset));
  if (current.type === "M") {
    const liveMask = effectiveMask(current.magic, current.mask);
    if (liveMask !== want.mask) differ("mask", current.mask ?? "(none: all bytes)", want.mask);
    else if (maskedMagic(current.magic, current.mask) !== maskedMagic(want.magic, want.mask))
      differ("magic", current.magic, want.magic);
  }
  return reasons;
}

/**
 * With F the kernel runs the file it opened at registration: a new file needs a new registration.
 * What the kernel holds is null (shown as unknown) when qus has no record, or when the file
 * changed on disk since (the kernel may hold that changed file): never "X -> X".
 */
function pinnedEmulatorReason(
  want: DesiredRegistration,
  live: Live,
  desired: Desired,
  changedFiles: Set<string>,
): Reason | null {
  if (!normaliseFlags(want.flags).includes("F")) return null;
  const file = desired.emulators.find((e) => e.path === want.interpreter);
  if (file === undefined) return null;
  const recorded = live.state.registrations[want.name];
  const reason = (note: string): Reason => ({
    attribute: "emulator",
    before: recorded !== undefined && recorded.sha256 !== file.sha256 ? recorded.sha256 : null,
    after: file.sha256,
    forcesReplacement: true,
    note,
  });
  if (changedFiles.has(file.path)) return reason(F_PIN_NOTE);
  if (recorded === undefined)
    return reason(
      "qus has no record of which emulator the kernel holds open for this entry (registered by another tool, or before qus kept records)",
    );
  if (recorded.sha256 !== file.sha256 || recorded.interpreter !== want.interpreter)
    return reason(F_PIN_NOTE);
  return null;
}

function enabledReason(before: boolean, after: boolean): Reason {
  return {
    attribute: "enabled",
    before: String(before),
    after: String(after),
    forcesReplacement: false,
  };
}

function attributesOf(entry: DesiredRegistration | LiveEntry): RegistrationAttributes {
  return {
    interpreter: entry.interpreter,
    flags: normaliseFlags(entry.flags),
    offset: entry.offset,
    magic: entry.magic,
    mask: entry.mask,
    enabled: entry.enabled,
    type: "type" in entry ? entry.type : "M",
  };
}

/** Terraform's counting: a replacement is one add and one destroy. */
export function summarise(changes: readonly Change[]): PlanSummary {
  let add = 0;
  let change = 0;
  let destroy = 0;
  for (const c of changes) {
    if (c.action === "create" || c.action === "replace") add += 1;
    if (c.action === "delete" || c.action === "replace") destroy += 1;
    if (c.action === "update") change += 1;
  }
  return { add, change, destroy };
}
