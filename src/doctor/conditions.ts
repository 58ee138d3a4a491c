// The words for the host conditions that stop qus, shared by `qus doctor` and by the commands
// that hit them (`qus run`, `qus apply`), so a user reads the same sentence and the same fix
// wherever the condition shows up. Pure: callers read the settings.

/** Appended to a command's error hint: where the whole picture is. */
export const SEE_DOCTOR = "qus doctor explains what this host allows and how to fix it";

/** The sysctls that can forbid creating user namespaces, with the file each is read from. */
export const USERNS_SETTINGS = {
  maxUserNamespaces: {
    name: "user.max_user_namespaces",
    path: "/proc/sys/user/max_user_namespaces",
  },
  unprivilegedClone: {
    name: "kernel.unprivileged_userns_clone",
    path: "/proc/sys/kernel/unprivileged_userns_clone",
  },
  apparmorRestrict: {
    name: "kernel.apparmor_restrict_unprivileged_userns",
    path: "/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
  },
} as const;

/** The settings' values as read (trimmed), null when the file does not exist on this kernel. */
export type UsernsSettings = Readonly<Record<keyof typeof USERNS_SETTINGS, string | null>>;

/** A setting that stops this user from creating a user namespace. */
export interface UsernsBlock {
  /** The sysctl's name, e.g. user.max_user_namespaces. */
  readonly setting: string;
  readonly value: string;
  /** The sentence that says what is off and what it costs. */
  readonly message: string;
  /** The command that turns it back on. */
  readonly fix: string;
}

/**
 * The first setting that forbids this user a user namespace, or null when none does.
 * max_user_namespaces=0 stops everyone; the other two stop only unprivileged users (uid ≠ 0).
 */
export function usernsBlock(settings: UsernsSettings, uid: number): UsernsBlock | null {
  const block = (key: keyof typeof USERNS_SETTINGS, value: string, fix: string): UsernsBlock => {
    const { name } = USERNS_SETTINGS[key];
    return {
      setting: name,
      value,
      message: `User namespaces are disabled here: ${name} is ${value}, so qus run cannot create its private binfmt_misc`,
      fix,
    };
  };
  const max = settings.maxUserNamespaces;
  if (max !== null && Number(max) === 0) {
    return block(
      "maxUserNamespaces",
      max,
      "as root on the host (or in the parent namespace): sysctl -w user.max_user_namespaces=15000, " +
        "and the same line in /etc/sysctl.d/ to keep it",
    );
  }
  if (uid === 0) return null;
  const clone = settings.unprivilegedClone;
  if (clone !== null && clone === "0") {
    return block(
      "unprivilegedClone",
      clone,
      "as root: sysctl -w kernel.unprivileged_userns_clone=1, and the same line in /etc/sysctl.d/ to keep it",
    );
  }
  const apparmor = settings.apparmorRestrict;
  if (apparmor !== null && apparmor === "1") {
    return block(
      "apparmorRestrict",
      apparmor,
      "as root: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or an AppArmor profile " +
        "that allows userns for node (Ubuntu 23.10 and later restrict it by default)",
    );
  }
  return null;
}

/** Why `qus apply` (or destroy) stops for a user who is not root. */
export function needsRootMessage(command: "apply" | "destroy" = "apply"): string {
  return `qus ${command} changes the kernel's binfmt_misc and the files it registers, which needs root`;
}

/** What to do instead: root, or the rootless command. */
export function needsRootFix(command: "apply" | "destroy" = "apply"): string {
  return `run it as root (sudo qus ${command}), or use qus run -- CMD: the rootless way, which needs no privilege`;
}

/** Why `qus run` could not create its user namespace when no setting names the reason. */
export const NAMESPACE_REFUSED =
  "qus run could not create a user namespace (unshare's own message is above)";

/** The fix when the kernel refused a user namespace for a reason no setting shows. */
export const NAMESPACE_REFUSED_FIX =
  "if unshare said No space left on device, user.max_user_namespaces is reached: raise it " +
  "(sysctl -w user.max_user_namespaces=15000); otherwise allow unprivileged user namespaces; " +
  "in a container, its seccomp profile may forbid unshare: run it with --security-opt seccomp=unconfined";

/** Why `qus run` failed after the user namespace was created: no private binfmt_misc (before Linux 6.7). */
export function noPrivateInstanceMessage(kernelRelease: string | null): string {
  const kernel = kernelRelease === null ? "this kernel" : `Linux ${kernelRelease}`;
  return `${kernel} could not mount a private binfmt_misc in a new user namespace, which qus run needs (binfmt_misc per user namespace came with Linux 6.7)`;
}

/** The fix for a kernel without private binfmt_misc instances. */
export const NO_PRIVATE_INSTANCE_FIX =
  "boot Linux 6.7 or later for qus run; qus apply as root works on this kernel";

/** How to get a binfmt_misc in a container that may not mount one (no CAP_SYS_ADMIN, /proc/sys read-only). */
export const CANNOT_MOUNT_FIX =
  "run the container with --cap-add SYS_ADMIN for an instance of its own (Linux 6.7+, in a user " +
  "namespace), with --privileged to use the host's, or run qus on the host";
