// Every registered entry: enabled, interpreter present, static or dynamic, F or not, whether it
// matches the host's own programs, its QEMU version and known issues, and who owns it.
import type { EmulatorVersion } from "../../currency/qemu-version.js";
import { knownIssuesFor } from "../../currency/known-issues.js";
import type { LiveEntry } from "../../plan/types.js";
import { error, ok, warning, type Finding } from "../finding.js";
import { BINFMT_DIR } from "../probe.js";

/** What doctor found out about an entry's interpreter file. */
export type InterpreterFacts =
  | { readonly exists: false }
  | {
      readonly exists: true;
      /** static: runs anywhere; dynamic: needs its loader and libraries where it runs; other: not ELF. */
      readonly linking: "static" | "dynamic" | "not-elf";
      readonly version: EmulatorVersion | undefined;
    };

/** One entry and what doctor learnt about it. */
export interface EntryFacts {
  readonly entry: LiveEntry;
  /** Whether qus's state file records this registration as its own. */
  readonly ownedByQus: boolean;
  readonly interpreter: InterpreterFacts;
}

/** The findings of one entry: its problems, or one ok line with its facts. */
export function checkEntry(facts: EntryFacts, hostHead: Uint8Array | null): Finding[] {
  const { entry, interpreter } = facts;
  const subject = `entry ${entry.name}`;
  const fixF = entry.flags.includes("F");
  const remove = `echo -1 > ${BINFMT_DIR}/${entry.name}`;
  const reinstall = facts.ownedByQus
    ? "qus apply installs it again"
    : `reinstall what provides ${entry.interpreter}, or remove the entry: ${remove}`;
  const problems: Finding[] = [];

  if (!entry.enabled) {
    problems.push(
      warning(
        "entry.disabled",
        subject,
        "disabled: the binaries it matches are not emulated",
        facts.ownedByQus ? "qus apply enables it" : `echo 1 > ${BINFMT_DIR}/${entry.name}`,
      ),
    );
  }
  if (entry.enabled && hostHead !== null && matchesBytes(entry, hostHead)) {
    problems.push(
      error(
        "entry.matches-host",
        subject,
        "matches this host's own programs: every program started here runs through " +
          `${entry.interpreter}, which breaks or hangs the system`,
        `remove it: ${remove}`,
      ),
    );
  }
  if (!interpreter.exists) {
    problems.push(
      fixF
        ? warning(
            "entry.interpreter-gone",
            subject,
            `its interpreter ${entry.interpreter} no longer exists; the kernel still holds the file it opened (F), ` +
              "but registering it again will fail",
            reinstall,
          )
        : error(
            "entry.missing-interpreter",
            subject,
            `its interpreter ${entry.interpreter} does not exist: every binary it matches fails with ENOENT ("No such file or directory")`,
            reinstall,
          ),
    );
  } else if (interpreter.linking === "dynamic") {
    problems.push(
      warning(
        fixF ? "entry.dynamic" : "entry.dynamic-without-f",
        subject,
        fixF
          ? `its interpreter ${entry.interpreter} is dynamically linked: with F the kernel holds the file, but its ` +
              "libraries are still looked up inside each container and chroot, where they may be missing"
          : `its interpreter ${entry.interpreter} is dynamically linked and registered without F: inside containers ` +
              "and chroots the kernel looks for it (and its libraries) there, and the binaries fail",
        "register a static emulator (qemu-user-static) with the F flag: qus apply does, with flags F in the config",
      ),
    );
  }
  if (interpreter.exists && interpreter.version !== undefined) {
    const target = interpreter.version.program.replace(/^qemu-/, "");
    for (const issue of knownIssuesFor(interpreter.version.upstream, target)) {
      problems.push(
        warning(
          `entry.known-issue.${issue.id}`,
          subject,
          `QEMU ${interpreter.version.upstream.text}: ${issue.symptom} (${issue.link})`,
          `use QEMU ${issue.avoidedBy}: e.g. source debian with suite trixie, then qus apply`,
        ),
      );
    }
  }
  const owner = facts.ownedByQus ? "owned by qus" : "registered by another tool";
  if (problems.length > 0)
    return problems.map((p) => ({ ...p, message: `${p.message} (${owner})` }));
  return [ok("entry.ok", subject, describeEntry(facts))];
}

/** `enabled, static qemu-aarch64 7.2.22, flags F, owned by qus`. */
function describeEntry(facts: EntryFacts): string {
  const { entry, interpreter } = facts;
  const parts = [entry.enabled ? "enabled" : "disabled"];
  if (interpreter.exists) {
    const version =
      interpreter.version === undefined ? "" : ` (QEMU ${interpreter.version.upstream.text})`;
    const linking = interpreter.linking === "not-elf" ? "" : `${interpreter.linking} `;
    parts.push(`${linking}${entry.interpreter}${version}`);
  }
  parts.push(entry.flags === "" ? "no flags" : `flags ${entry.flags}`);
  parts.push(facts.ownedByQus ? "owned by qus" : "registered by another tool");
  return parts.join(", ");
}

/** Whether an M entry's magic, under its mask, matches `bytes` (the start of a file). */
export function matchesBytes(entry: LiveEntry, bytes: Uint8Array): boolean {
  if (entry.type !== "M" || entry.magic === "") return false;
  const length = entry.magic.length / 2;
  if (entry.offset + length > bytes.length) return false;
  for (let i = 0; i < length; i++) {
    const magic = Number.parseInt(entry.magic.slice(i * 2, i * 2 + 2), 16);
    const mask =
      entry.mask === null ? 0xff : Number.parseInt(entry.mask.slice(i * 2, i * 2 + 2), 16);
    if (((bytes[entry.offset + i] ?? 0) & mask) !== (magic & mask)) return false;
  }
  return true;
}
