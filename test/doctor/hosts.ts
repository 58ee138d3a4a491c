// Recorded /proc, /sys and /etc contents of the hosts doctor must understand, the ones this
// machine cannot become: systemd's automount (Amazon Linux 2023), WSL 2, Fedora with SELinux
// enforcing, Ubuntu 24.04's AppArmor restriction, Debian 11 (Linux 5.10, unprivileged_userns_clone=0),
// a Docker container without CAP_SYS_ADMIN. Each is a plain Debian 13 host with a few files changed.
import type { Recording } from "./recorded-probe.js";

/** The first 64 bytes of an x86_64 PIE (/bin/true on Debian 12). */
export const X86_64_EXE = new Uint8Array(
  Buffer.from(
    "7f454c4602010100000000000000000003003e0001000000d0230000000000004000000000000000908300000000000000000000400038000d0040001f001e00",
    "hex",
  ),
);

const FILESYSTEMS =
  "nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\nnodev\tcgroup2\nnodev\tdevtmpfs\nnodev\tbinfmt_misc\n\text4\nnodev\toverlay\n";

/** mountinfo lines before binfmt_misc's. */
const BASE_MOUNTS = [
  "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda1 rw",
  "23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw",
  "24 22 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw",
];
const BINFMT_MOUNT =
  "45 23 0:40 / /proc/sys/fs/binfmt_misc rw,nosuid,nodev,noexec,relatime shared:26 - binfmt_misc binfmt_misc rw";
const AUTOFS_MOUNT =
  "36 23 0:32 / /proc/sys/fs/binfmt_misc rw,relatime shared:14 - autofs systemd-1 rw,fd=29,pgrp=1,timeout=0,minproto=5,maxproto=5,direct,pipe_ino=15616";

/** Root with every capability (CapEff of a root shell). */
const ROOT_STATUS = "Name:\tnode\nUid:\t0\t0\t0\t0\nCapEff:\t000001ffffffffff\n";
const USER_STATUS = "Name:\tnode\nUid:\t1000\t1000\t1000\t1000\nCapEff:\t0000000000000000\n";
/** Docker's default set: no CAP_SYS_ADMIN (bit 21). */
const DOCKER_ROOT_STATUS = "Name:\tnode\nUid:\t0\t0\t0\t0\nCapEff:\t00000000a80425fb\n";

/** A static QEMU's bytes as far as doctor reads them: an ELF header without PT_INTERP, and the version text. */
function staticQemu(program: string, version: string): string {
  const header = Buffer.from(X86_64_EXE);
  header.writeUInt16LE(0, 56); // no program headers: no PT_INTERP, so static
  return `${header.toString("latin1")}\0${program} version ${version} (Debian)\n`;
}

/** A Debian 13 host as root: binfmt_misc mounted with trixie's aarch64 entry, systemd-binfmt. */
export function debianHost(): Recording {
  return {
    uid: 0,
    files: {
      "/proc/sys/kernel/osrelease": "6.12.57+deb13-amd64\n",
      "/proc/filesystems": FILESYSTEMS,
      "/proc/self/mountinfo": `${[...BASE_MOUNTS, BINFMT_MOUNT].join("\n")}\n`,
      "/proc/self/status": ROOT_STATUS,
      "/proc/self/uid_map": "         0          0 4294967295\n",
      "/proc/self/exe": X86_64_EXE,
      "/proc/sys/user/max_user_namespaces": "63704\n",
      "/proc/1/cgroup": "0::/init.scope\n",
      "/proc/sys/fs/binfmt_misc/register": "",
      "/proc/sys/fs/binfmt_misc/status": "enabled\n",
      "/proc/sys/fs/binfmt_misc/qemu-aarch64":
        "enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: POCF\noffset 0\n" +
        "magic 7f454c460201010000000000000000000200b700\n" +
        "mask ffffffffffffff00fffffffffffffffffeffffff\n",
      "/usr/libexec/qemu-binfmt/aarch64-binfmt-P": staticQemu("qemu-aarch64", "10.0.13"),
      "/usr/lib/systemd/systemd-binfmt": "",
      "/usr/lib/binfmt.d/qemu-aarch64.conf":
        ":qemu-aarch64:M::\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/usr/libexec/qemu-binfmt/aarch64-binfmt-P:POCF\n",
    },
  };
}

/** Replaces or removes (undefined) recorded files. */
export function withFiles(
  host: Recording,
  files: Record<string, string | Uint8Array | undefined>,
  changes: Partial<Omit<Recording, "files">> = {},
): Recording {
  const merged: Record<string, string | Uint8Array> = { ...host.files };
  for (const [path, value] of Object.entries(files)) {
    if (value === undefined) delete merged[path];
    else merged[path] = value;
  }
  return { ...host, ...changes, files: merged };
}

/** Removes every recorded file under binfmt_misc (as when it is not mounted and nothing shows). */
function withoutBinfmtFiles(host: Recording): Record<string, undefined> {
  return Object.fromEntries(
    Object.keys(host.files)
      .filter((p) => p.startsWith("/proc/sys/fs/binfmt_misc/"))
      .map((p) => [p, undefined]),
  );
}

/** Amazon Linux 2023: binfmt_misc behind systemd's automount, not fired yet. */
export function automountHost(): Recording {
  const host = debianHost();
  return withFiles(host, {
    ...withoutBinfmtFiles(host),
    "/proc/sys/kernel/osrelease": "6.1.155-176.282.amzn2023.x86_64\n",
    "/proc/self/mountinfo": `${[...BASE_MOUNTS, AUTOFS_MOUNT].join("\n")}\n`,
  });
}

/** WSL 2: its kernel, its WSLInterop entry, no systemd-binfmt. */
export function wslHost(): Recording {
  const host = debianHost();
  return withFiles(host, {
    "/proc/sys/kernel/osrelease": "6.6.87.2-microsoft-standard-WSL2\n",
    "/proc/sys/fs/binfmt_misc/WSLInterop":
      "enabled\ninterpreter /init\nflags: PF\noffset 0\nmagic 4d5a\n",
    "/init": X86_64_EXE,
    "/usr/lib/systemd/systemd-binfmt": undefined,
  });
}

/** Fedora with SELinux enforcing. */
export function selinuxHost(): Recording {
  return withFiles(debianHost(), {
    "/proc/sys/kernel/osrelease": "6.17.7-300.fc43.x86_64\n",
    "/sys/fs/selinux/enforce": "1",
  });
}

/** Ubuntu 24.04 as a normal user: AppArmor restricts unprivileged user namespaces. */
export function ubuntuRestrictedUser(): Recording {
  return withFiles(
    debianHost(),
    {
      "/proc/sys/kernel/osrelease": "6.8.0-88-generic\n",
      "/proc/self/status": USER_STATUS,
      "/proc/sys/kernel/apparmor_restrict_unprivileged_userns": "1\n",
      "/proc/sys/kernel/unprivileged_userns_clone": "1\n",
    },
    { uid: 1000 },
  );
}

/** Debian 11 (Linux 5.10) as a normal user with unprivileged_userns_clone=0. */
export function debian11User(): Recording {
  return withFiles(
    debianHost(),
    {
      "/proc/sys/kernel/osrelease": "5.10.0-35-amd64\n",
      "/proc/self/status": USER_STATUS,
      "/proc/sys/kernel/unprivileged_userns_clone": "0\n",
    },
    { uid: 1000 },
  );
}

/** Debian 11 as root: user namespaces work, but binfmt_misc has no private instances before 6.7. */
export function debian11Root(): Recording {
  return withFiles(
    debianHost(),
    {
      "/proc/sys/kernel/osrelease": "5.10.0-35-amd64\n",
      "/proc/sys/kernel/unprivileged_userns_clone": "0\n",
    },
    { trial: { kind: "no-mount", detail: "mount: /proc/sys/fs/binfmt_misc: permission denied." } },
  );
}

/** Root in a Docker container without CAP_SYS_ADMIN: /proc/sys read-only, binfmt_misc absent. */
export function dockerContainer(): Recording {
  const host = debianHost();
  return withFiles(host, {
    ...withoutBinfmtFiles(host),
    "/.dockerenv": "",
    "/proc/self/status": DOCKER_ROOT_STATUS,
    "/proc/self/mountinfo": `${[
      ...BASE_MOUNTS,
      "612 23 0:21 /sys /proc/sys ro,nosuid,nodev,noexec,relatime - proc proc rw",
    ].join("\n")}\n`,
    "/usr/lib/systemd/systemd-binfmt": undefined,
    "/usr/lib/binfmt.d/qemu-aarch64.conf": undefined,
  });
}
