// The planner's file half: emulator files to install, replace (other content, or content that
// users other than root control) or delete (installed by qus, wanted no more). Pure, like plan.ts.
import type { Change, Desired, DesiredEmulator, Live, Reason } from "./types.js";

// Why: plan() lists file changes before registrations; an emulator's bytes decide both.
/** Emulator files to install or replace: missing, other content, or content others control as root. */
export function planEmulators(desired: Desired, live: Live): Change[] {
  const changes: Change[] = [];
  for (const want of desired.emulators) {
    const file = live.files.find((f) => f.path === want.path);
    const onDisk = file?.sha256 ?? null;
    const after = {
      sha256: want.sha256,
      size: want.size,
      origin: want.origin.description,
      ...(want.qemuVersion === undefined ? {} : { qemu: want.qemuVersion }),
    };
    if (onDisk === want.sha256 && file?.untrusted !== undefined) {
      changes.push({
        ...emulatorChange(want, "replace", { sha256: onDisk }, after),
        reasons: [untrustedReason(file.untrusted)],
      });
      continue;
    }
    if (onDisk === want.sha256) continue;
    if (onDisk === null) {
      changes.push({ ...emulatorChange(want, "create", null, after), reasons: [] });
      continue;
    }
    const recorded = live.state.emulators[want.path]?.sha256;
    const note =
      recorded !== undefined && recorded !== onDisk
        ? "the file was modified outside qus"
        : undefined;
    const reason: Reason = {
      attribute: "sha256",
      before: onDisk,
      after: want.sha256,
      forcesReplacement: true,
      ...(note ? { note } : {}),
    };
    const before = live.files.find((f) => f.path === want.path)?.qemuVersion;
    // The QEMU version it moves between, when it changes: `~ qemu: "7.2.22" -> "11.1.3"`.
    const versionReason: Reason[] =
      want.qemuVersion !== undefined && before !== want.qemuVersion
        ? [
            {
              attribute: "qemu",
              before: before ?? null,
              after: want.qemuVersion,
              forcesReplacement: false,
            },
          ]
        : [];
    changes.push({
      ...emulatorChange(
        want,
        "replace",
        { sha256: onDisk, ...(before === undefined ? {} : { qemu: before }) },
        after,
      ),
      reasons: [reason, ...versionReason],
    });
  }
  return changes;
}

/** Why a file with the wanted content is still reinstalled: root registers only files only root controls. */
function untrustedReason(untrusted: string): Reason {
  return {
    attribute: "owner",
    before: untrusted,
    after: "root, mode 0755",
    forcesReplacement: true,
    note: "root registers only files that only root can change",
  };
}

function emulatorChange(
  want: DesiredEmulator,
  action: "create" | "replace",
  before: { sha256: string; qemu?: string } | null,
  after: { sha256: string; size: number; origin: string; qemu?: string },
): Omit<Extract<Change, { kind: "emulator" }>, "reasons"> {
  return {
    kind: "emulator",
    address: want.path,
    action,
    before,
    after,
    fetch: want.origin,
    emulator: want.emulator,
  };
}

// Why: apply deletes only files the state file says qus installed.
/** Files qus installed earlier that nothing wants any more. */
export function planOrphanFiles(desired: Desired, live: Live, stillUsed: Set<string>): Change[] {
  const wanted = new Set(desired.emulators.map((e) => e.path));
  const changes: Change[] = [];
  for (const path of Object.keys(live.state.emulators)) {
    if (wanted.has(path) || stillUsed.has(path)) continue;
    const onDisk = live.files.find((f) => f.path === path)?.sha256 ?? null;
    if (onDisk === null) continue;
    changes.push({
      kind: "emulator",
      address: path,
      action: "delete",
      before: { sha256: onDisk },
      after: null,
      reasons: [],
    });
  }
  return changes;
}
