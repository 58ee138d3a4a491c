// What every doctor check returns: one finding per thing it looked at, with what it means for
// the user and the one command or setting that fixes it. Pure data, shared by checks and views.

/** ok: works as wanted; warning: works, but something will bite; error: something fails today. */
export type Severity = "ok" | "warning" | "error";

/** One line of the checklist (and one element of `--json`'s `findings`). */
export interface Finding {
  /** Stable identifier scripts match on, e.g. `userns.max_user_namespaces` or `entry.missing-interpreter`. */
  readonly id: string;
  readonly severity: Severity;
  /** What the finding is about: `kernel`, `/proc/sys/fs/binfmt_misc`, `entry qemu-aarch64`... */
  readonly subject: string;
  /** What is true and what it means for the user. */
  readonly message: string;
  /** The command or setting that fixes it; null when there is nothing to fix. */
  readonly fix: string | null;
}

/** A finding with no fix: the thing is as it should be. */
export function ok(id: string, subject: string, message: string): Finding {
  return { id, severity: "ok", subject, message, fix: null };
}

/** Something works today but will fail somewhere (a container, a reboot, a newer guest). */
export function warning(id: string, subject: string, message: string, fix: string | null): Finding {
  return { id, severity: "warning", subject, message, fix };
}

/** Something the user relies on fails today. */
export function error(id: string, subject: string, message: string, fix: string | null): Finding {
  return { id, severity: "error", subject, message, fix };
}

/** The exit status doctor reports: 1 when any finding is an error. */
export function exitCodeFor(findings: readonly Finding[]): 0 | 1 {
  return findings.some((f) => f.severity === "error") ? 1 : 0;
}
