// `qus status`: what binfmt_misc holds right now and which entries are qus's own, as one JSON
// document (schemas/qus.status.schema.json) and a compact table rendered from that document.
import type { LiveEntry, StateRecord } from "../plan/types.js";
import {
  STATUS_COLUMNS,
  STATUS_GLOBALLY_DISABLED,
  statusMounted,
  statusNotMounted,
  STATUS_OWNED_BY_OTHER,
  statusSummaryLine,
  WARNING_PREFIX,
} from "./strings.js";
import { knownIssuesFor, knownIssueWarnings } from "../currency/known-issues.js";
import { plainStyle, type Style } from "./style.js";

/** Version of the status document's shape. */
export const STATUS_FORMAT_VERSION = "1";

/** What `qus status` read from the kernel (and the state file, when there is one). */
export interface StatusInput {
  readonly binfmtDir: string;
  readonly mounted: boolean;
  readonly enabledGlobally: boolean;
  readonly entries: readonly LiveEntry[];
  /** Entries whose name starts with this (and of type M) are qus's own. */
  readonly prefix: string;
  readonly state?: StateRecord;
  /** Interpreter path -> the upstream QEMU version it reports (absent: unknown or not QEMU). */
  readonly qemuVersions?: ReadonlyMap<string, string>;
}

/** One live entry as `qus status --json` prints it. */
export interface StatusEntryDocument {
  readonly name: string;
  /** The name starts with the prefix and the entry is of type M. */
  readonly owned: boolean;
  readonly enabled: boolean;
  readonly type: "M" | "E";
  readonly interpreter: string;
  readonly flags: string;
  readonly offset: number;
  readonly magic: string;
  /** null: registered without a mask (all ff). */
  readonly mask: string | null;
  /** E entries only. */
  readonly extension?: string;
  /** SHA-256 of the interpreter qus recorded when it registered this entry; null otherwise. */
  readonly recorded_sha256: string | null;
  /** Upstream QEMU version the interpreter reports (e.g. "7.2.22"); null when unknown or not QEMU. */
  readonly qemu: string | null;
  /** Ids of the known issues that version has (see the README's known issues). */
  readonly known_issues: readonly string[];
  /**
   * qus registered this very entry (its state file records it, with this interpreter); false for
   * an entry under qus's prefix that another tool made (update-binfmts, a distribution's binfmt.d).
   */
  readonly registered_by_qus: boolean;
}

/** The status document (without the `rendered` text; see withRenderedStatus). */
export interface StatusDocument {
  readonly format_version: typeof STATUS_FORMAT_VERSION;
  readonly binfmt_dir: string;
  readonly mounted: boolean;
  /** binfmt_misc's global switch; false when not mounted. */
  readonly enabled: boolean;
  readonly prefix: string;
  /** Sorted by name; empty when not mounted. */
  readonly entries: readonly StatusEntryDocument[];
  readonly summary: {
    readonly total: number;
    readonly owned: number;
    /** Owned entries qus itself registered (the rest another tool made under its prefix). */
    readonly registered_by_qus: number;
  };
  /** One per known issue of a registered emulator, naming it and the range that avoids it. */
  readonly warnings: readonly string[];
}

/** The document `qus status --json` prints: the projection plus its plain rendering. */
export interface RenderedStatusDocument extends StatusDocument {
  readonly rendered: string;
}

/** Projects what was read into the status document; pure and deterministic. */
export function projectStatus(input: StatusInput): StatusDocument {
  const versions = input.qemuVersions ?? new Map<string, string>();
  const entries = input.mounted
    ? [...input.entries]
        .sort(byName)
        .map((entry) => projectEntry(entry, input.prefix, input.state, versions))
    : [];
  return {
    format_version: STATUS_FORMAT_VERSION,
    binfmt_dir: input.binfmtDir,
    mounted: input.mounted,
    enabled: input.mounted && input.enabledGlobally,
    prefix: input.prefix,
    entries,
    summary: {
      total: entries.length,
      owned: entries.filter((entry) => entry.owned).length,
      registered_by_qus: entries.filter((entry) => entry.registered_by_qus).length,
    },
    warnings: entryWarnings(entries),
  };
}

/** The known-issue warnings of the registered emulators, once per interpreter. */
function entryWarnings(entries: readonly StatusEntryDocument[]): string[] {
  const seen = new Set<string>();
  const warnings: string[] = [];
  for (const entry of entries) {
    if (entry.qemu === null || entry.known_issues.length === 0 || seen.has(entry.interpreter))
      continue;
    seen.add(entry.interpreter);
    const program = emulatorProgram(entry);
    warnings.push(...knownIssueWarnings(program, entry.qemu).map((w) => `${entry.name}: ${w}`));
  }
  return warnings;
}

/** The QEMU program an entry runs (qemu-aarch64), from its interpreter's file name. */
function emulatorProgram(entry: Pick<StatusEntryDocument, "interpreter">): string {
  const base = entry.interpreter.split("/").pop() ?? "";
  return base.replace(/-static$/, "").replace(/^([a-z0-9_]+)-binfmt-P$/, "qemu-$1");
}

/** Whether an entry is one qus manages: only M entries under its prefix are ever touched. */
export function isOwnedEntry(entry: Pick<LiveEntry, "name" | "type">, prefix: string): boolean {
  return entry.type === "M" && entry.name.startsWith(prefix);
}

function byName(a: LiveEntry, b: LiveEntry): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function projectEntry(
  entry: LiveEntry,
  prefix: string,
  state: StateRecord | undefined,
  versions: ReadonlyMap<string, string>,
): StatusEntryDocument {
  const qemu = versions.get(entry.interpreter) ?? null;
  const target = emulatorProgram(entry).replace(/^qemu-/, "");
  const owned = isOwnedEntry(entry, prefix);
  const recorded =
    owned && state !== undefined && Object.hasOwn(state.registrations, entry.name)
      ? state.registrations[entry.name]
      : undefined;
  return {
    name: entry.name,
    owned,
    enabled: entry.enabled,
    type: entry.type,
    interpreter: entry.interpreter,
    flags: entry.flags,
    offset: entry.offset,
    magic: entry.magic,
    mask: entry.mask,
    ...(entry.extension === undefined ? {} : { extension: entry.extension }),
    recorded_sha256: recorded?.sha256 ?? null,
    qemu,
    known_issues: qemu === null ? [] : knownIssuesFor(qemu, target).map((issue) => issue.id),
    registered_by_qus: recorded !== undefined && recorded.interpreter === entry.interpreter,
  };
}

/** Renders the status for people; the result is whole lines, each ending in a newline. */
export function renderStatus(doc: StatusDocument, style: Style): string {
  if (!doc.mounted) return `${style.changed(style.bold(statusNotMounted(doc.binfmt_dir)))}\n`;
  const sections: string[][] = [];
  const heading = style.bold(statusMounted(doc.binfmt_dir, doc.enabled));
  sections.push(doc.enabled ? [heading] : [heading, style.changed(STATUS_GLOBALLY_DISABLED)]);
  if (doc.entries.length > 0) sections.push(renderTable(doc.entries, style));
  if (doc.warnings.length > 0)
    sections.push(doc.warnings.map((w) => `${style.warning(WARNING_PREFIX.trimEnd())} ${w}`));
  sections.push([statusSummaryLine(doc.summary, doc.prefix)]);
  return `${sections.map((lines) => lines.join("\n")).join("\n\n")}\n`;
}

/** The document `qus status --json` prints. */
export function withRenderedStatus(doc: StatusDocument): RenderedStatusDocument {
  const { rendered: _ignored, ...plain } = doc as RenderedStatusDocument;
  return { ...plain, rendered: renderStatus(plain, plainStyle) };
}

/** A table cell: the text that sets the width, and how to paint it. */
interface Cell {
  readonly text: string;
  readonly paint?: (text: string) => string;
}

function renderTable(entries: readonly StatusEntryDocument[], style: Style): string[] {
  const rows: Cell[][] = entries.map((entry) => [
    { text: entry.name },
    entry.registered_by_qus
      ? { text: "✓", paint: style.added }
      : entry.owned
        ? { text: STATUS_OWNED_BY_OTHER, paint: style.changed }
        : { text: "-" },
    entry.enabled ? { text: "yes", paint: style.added } : { text: "no", paint: style.changed },
    { text: entry.flags === "" ? "-" : entry.flags },
    entry.qemu === null
      ? { text: "-" }
      : { text: entry.qemu, paint: entry.known_issues.length > 0 ? style.changed : undefined },
    {
      text:
        entry.type === "E" && entry.extension !== undefined
          ? `${entry.interpreter} (.${entry.extension.replace(/^\./, "")})`
          : entry.interpreter,
    },
  ]);
  const header: Cell[] = STATUS_COLUMNS.map((text) => ({ text, paint: style.bold }));
  const all = [header, ...rows];
  const widths = STATUS_COLUMNS.map((_, column) =>
    Math.max(...all.map((row) => row[column]?.text.length ?? 0)),
  );
  return all.map((row) =>
    row
      .map((cell, column) => {
        const isLast = column === row.length - 1;
        const padded = isLast ? "" : " ".repeat((widths[column] ?? 0) - cell.text.length + 2);
        return (cell.paint ?? ((text: string) => text))(cell.text) + padded;
      })
      .join(""),
  );
}
