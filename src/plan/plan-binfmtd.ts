// The planner's boot half: the binfmt.d files that make registrations survive a reboot. Pure.
import type { Change, Desired, Live, Reason } from "./types.js";

// Why: persistence is files systemd-binfmt reads at boot; qus removes only the ones it wrote.
/**
 * binfmt.d files: written when missing or different (a same-named file qus did not write is taken
 * over, like an entry), removed only when qus wrote it (recorded in the state file) and its entry
 * is neither wanted nor kept.
 */
export function planBinfmtd(desired: Desired, live: Live, keptEntries: Set<string>): Change[] {
  const changes: Change[] = [];
  const onDisk = (path: string) =>
    live.binfmtd.find((f) => f.path === path) ?? { path, content: null, sha256: null };
  const recorded = live.state.binfmtd ?? {};
  for (const want of desired.binfmtd) {
    const current = onDisk(want.path);
    if (current.content === want.content) continue;
    const after = { content: want.content };
    if (current.content === null) {
      changes.push({
        kind: "binfmtd",
        address: want.path,
        action: "create",
        before: null,
        after,
        reasons: [],
        entry: want.entry,
      });
      continue;
    }
    const record = recorded[want.path];
    const note =
      record === undefined
        ? "qus did not write this file; it takes it over, as it does a same-named entry"
        : record.sha256 !== current.sha256
          ? "the file was modified outside qus"
          : undefined;
    const reason: Reason = {
      attribute: "content",
      before: null,
      after: null,
      forcesReplacement: true,
      ...(note ? { note } : {}),
    };
    changes.push({
      kind: "binfmtd",
      address: want.path,
      action: "replace",
      before: { content: current.content },
      after,
      reasons: [reason],
      entry: want.entry,
    });
  }
  const wanted = new Set(desired.binfmtd.map((f) => f.path));
  for (const path of Object.keys(recorded)) {
    const entry = entryOfBinfmtdPath(path);
    if (wanted.has(path) || keptEntries.has(entry)) continue;
    const current = onDisk(path);
    if (current.content === null) continue;
    changes.push({
      kind: "binfmtd",
      address: path,
      action: "delete",
      before: { content: current.content },
      after: null,
      reasons: [],
      entry,
    });
  }
  return changes;
}

/** `/etc/binfmt.d/qemu-arm.conf` -> `qemu-arm`. */
function entryOfBinfmtdPath(path: string): string {
  return (path.split("/").pop() ?? path).replace(/\.conf$/, "");
}
