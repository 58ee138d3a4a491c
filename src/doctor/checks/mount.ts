// Is binfmt_misc mounted at /proc/sys/fs/binfmt_misc, behind an automount, not mounted (apply
// mounts it as root), or impossible to mount here (a container without CAP_SYS_ADMIN)?
import { CANNOT_MOUNT_FIX } from "../conditions.js";
import { error, ok, warning, type Finding } from "../finding.js";
import type { BinfmtMountState } from "../facts.js";
import { BINFMT_DIR } from "../probe.js";

/** What the checks need to know about this process and the mount point. */
export interface MountContext {
  readonly state: BinfmtMountState;
  readonly uid: number;
  readonly capSysAdmin: boolean | null;
  readonly procSysReadOnly: boolean;
  /** binfmt_misc's own status file: false when it is disabled as a whole. */
  readonly enabledGlobally: boolean | null;
}

const MOUNT = `mount -t binfmt_misc binfmt_misc ${BINFMT_DIR}`;

/** The mount point's finding (and binfmt_misc's global status when mounted). */
export function checkMount(context: MountContext): Finding[] {
  const { state } = context;
  const subject = BINFMT_DIR;
  if (state.kind === "mounted") {
    const how = state.viaAutomount ? " (by systemd's automount)" : "";
    const mounted = ok("binfmt.mounted", subject, `binfmt_misc is mounted${how}`);
    if (context.enabledGlobally !== false) return [mounted];
    return [
      mounted,
      error(
        "binfmt.disabled",
        subject,
        "binfmt_misc is disabled as a whole (status reads disabled): no entry is used",
        "qus apply turns it back on, or as root: echo 1 > /proc/sys/fs/binfmt_misc/status",
      ),
    ];
  }
  if (state.kind === "automount") {
    return [
      ok(
        "binfmt.automount",
        subject,
        "binfmt_misc sits behind systemd's automount and is not mounted yet: the first access mounts it, " +
          "and qus status, plan and apply trigger it (doctor did not, to change nothing)",
      ),
    ];
  }
  const covered = state.covered === null ? "" : ` (a ${state.covered} covers the directory)`;
  if (context.uid !== 0) {
    return [
      warning(
        "binfmt.unmounted",
        subject,
        `binfmt_misc is not mounted${covered}; as root, qus apply mounts it`,
        "sudo qus apply",
      ),
    ];
  }
  if (context.capSysAdmin === false || context.procSysReadOnly) {
    const why =
      context.capSysAdmin === false
        ? "this process lacks CAP_SYS_ADMIN"
        : "/proc/sys is mounted read-only";
    return [
      error(
        "binfmt.cannot-mount",
        subject,
        `binfmt_misc is not mounted${covered} and cannot be mounted here: ${why} (a container)`,
        CANNOT_MOUNT_FIX,
      ),
    ];
  }
  return [
    warning(
      "binfmt.unmounted",
      subject,
      `binfmt_misc is not mounted${covered}: nothing is emulated until it is; qus apply mounts it`,
      `qus apply, or: ${MOUNT}`,
    ),
  ];
}
