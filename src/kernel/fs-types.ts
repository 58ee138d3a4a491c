// Pure data: statfs f_type magic numbers (linux/magic.h) and the names messages use for them,
// so that a binfmtDir which is not binfmt_misc is refused with what it really is.

/** binfmt_misc's own file system (BINFMTFS_MAGIC). */
export const BINFMTFS_MAGIC = 0x42494e4d;
/** procfs: /proc/sys/fs/binfmt_misc with nothing mounted on it. */
export const PROC_SUPER_MAGIC = 0x9fa0;
/** autofs: a mount point systemd (or automount) mounts on first access. */
export const AUTOFS_SUPER_MAGIC = 0x0187;

/** f_type -> the file system's name, for the file systems a mistaken binfmtDir is likely on. */
const FILE_SYSTEM_NAMES: ReadonlyMap<number, string> = new Map([
  [BINFMTFS_MAGIC, "binfmt_misc"],
  [PROC_SUPER_MAGIC, "proc"],
  [AUTOFS_SUPER_MAGIC, "autofs"],
  [0x01021994, "tmpfs"],
  [0xef53, "ext2/ext3/ext4"],
  [0x58465342, "xfs"],
  [0x9123683e, "btrfs"],
  [0x794c7630, "overlayfs"],
  [0x62656572, "sysfs"],
  [0x1cd1, "devpts"],
  [0x64626720, "debugfs"],
  [0x73636673, "securityfs"],
  [0x27e0eb, "cgroup"],
  [0x63677270, "cgroup2"],
  [0x858458f6, "ramfs"],
  [0x6969, "nfs"],
  [0xff534d42, "cifs"],
  [0xfe534d42, "smb2"],
  [0x65735546, "fuse"],
  [0x2fc12fc1, "zfs"],
  [0xf2f52010, "f2fs"],
  [0x4d44, "vfat"],
  [0x5346544e, "ntfs"],
  [0x9660, "iso9660"],
  [0x73717368, "squashfs"],
  [0x28cd3d45, "cramfs"],
  [0x01021997, "9p"],
  [0x3153464a, "jfs"],
  [0x52654973, "reiserfs"],
  [0xca451a4e, "bcachefs"],
  [0x6e736673, "nsfs"],
  [0x50495045, "pipefs"],
  [0x74726163, "tracefs"],
  [0xcafe4a11, "bpf"],
  [0x19800202, "mqueue"],
  [0x958458f6, "hugetlbfs"],
  [0x9fa2, "usbdevfs"],
]);

/** "tmpfs", or "a file system of type 0x1234" for one the table does not know. */
export function fileSystemName(type: number): string {
  return FILE_SYSTEM_NAMES.get(type) ?? `a file system of type 0x${type.toString(16)}`;
}
