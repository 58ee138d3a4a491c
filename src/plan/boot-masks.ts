// What systemd-binfmt would register at the next boot besides qus's own files, and the masks that
// keep that boot state qus's. A distribution's file in /usr/lib/binfmt.d (or /run/binfmt.d) that
// registers an entry qus manages (one it wants, or, with prune, one under its prefix it removes)
// is masked by a file of the same name in binfmtDDir (systemd: the same basename in /etc wins),
// which keeps the file's other lines. Pure: the boot files are read by state/live.ts.
import { BINFMTD_HEADER } from "./persist.js";
import type { Desired, DesiredBinfmtdFile, LiveTextFile } from "./types.js";

/** systemd-binfmt's directories, highest precedence first (a basename is read from the first). */
export const BOOT_DIRS: readonly string[] = [
  "/etc/binfmt.d",
  "/run/binfmt.d",
  "/usr/local/lib/binfmt.d",
  "/usr/lib/binfmt.d",
];

/** The directories whose files a file in binfmtDDir masks: those after it; none when it is not one of them. */
export function maskableDirs(binfmtDDir: string): readonly string[] {
  const index = BOOT_DIRS.indexOf(binfmtDDir.replace(/\/+$/, ""));
  return index === -1 ? [] : BOOT_DIRS.slice(index + 1);
}

/** The entry name and type a register line names (`:name:M:...`, any delimiter); null for comments and blanks. */
export function registerLineEntry(line: string): { name: string; type: string } | null {
  const trimmed = line.trim();
  if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith(";")) return null;
  const fields = trimmed.split(trimmed[0] as string);
  return { name: fields[1] ?? "", type: fields[2] ?? "" };
}

/**
 * The mask files qus wants: one per boot file with a line for an entry qus manages, named like
 * that file in binfmtDDir. A same-named file in binfmtDDir that qus did not write (the admin's own
 * mask) is respected: `existing` tells which texts are there and `recorded` which qus wrote.
 */
export function bootMasks(
  desired: Desired,
  bootFiles: readonly LiveTextFile[],
  existing: (path: string) => string | null,
  recorded: (path: string) => boolean,
): DesiredBinfmtdFile[] {
  if (desired.persist !== true || desired.binfmtDDir === undefined) return [];
  const dir = desired.binfmtDDir.replace(/\/+$/, "");
  const wanted = new Set(desired.registrations.map((r) => r.name));
  const ownFiles = new Set(desired.binfmtd.map((f) => f.path));
  const manages = (entry: { name: string; type: string }) =>
    wanted.has(entry.name) ||
    (desired.prune && entry.type === "M" && entry.name.startsWith(desired.prefix));
  const masks: DesiredBinfmtdFile[] = [];
  for (const file of bootFiles) {
    if (file.content === null) continue;
    const path = `${dir}/${file.path.slice(file.path.lastIndexOf("/") + 1)}`;
    if (ownFiles.has(path)) continue; // qus's own <entry>.conf masks it already
    const current = existing(path);
    if (current !== null && !current.startsWith(BINFMTD_HEADER) && !recorded(path)) continue;
    const lines = file.content.split("\n");
    const masked = lines.flatMap((line) => {
      const entry = registerLineEntry(line);
      return entry !== null && manages(entry) ? [entry.name] : [];
    });
    if (masked.length === 0) continue;
    const kept = lines.filter((line) => {
      const entry = registerLineEntry(line);
      return entry !== null && !manages(entry);
    });
    const content = [
      BINFMTD_HEADER,
      `# Masks ${file.path}, which registers ${masked.join(", ")} at boot: qus manages ${masked.length === 1 ? "it" : "them"}.`,
      ...kept,
    ].join("\n");
    masks.push({ path, entry: masked[0] as string, content: `${content}\n` });
  }
  return masks;
}
