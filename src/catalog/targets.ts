// The QEMU targets qus knows: magic, mask and CPU family of each, as QEMU's own
// scripts/qemu-binfmt-conf.sh registers them (offset is always 0). Magic and mask are
// lowercase hex, the same spelling the kernel uses when it prints an entry.

/** One QEMU user-mode target and the ELF header pattern that selects it. */
export interface TargetInfo {
  readonly name: string;
  /** CPU family: a target is skipped by default when it shares the host's family. */
  readonly family: string;
  /** Emulator program name without suffix (i486 runs under qemu-i386). */
  readonly emulator: string;
  readonly magic: string;
  readonly mask: string;
}

/** Every target, in the order of QEMU's script (the order `qus` lists them in). */
export const TARGETS: readonly TargetInfo[] = [
  {
    name: "i386",
    family: "i386",
    emulator: "qemu-i386",
    magic: "7f454c4601010100000000000000000002000300",
    mask: "fffffffffffefe00fffffffffffffffffeffffff",
  },
  {
    name: "i486",
    family: "i386",
    emulator: "qemu-i386",
    magic: "7f454c4601010100000000000000000002000600",
    mask: "fffffffffffefe00fffffffffffffffffeffffff",
  },
  {
    name: "alpha",
    family: "alpha",
    emulator: "qemu-alpha",
    magic: "7f454c4602010100000000000000000002002690",
    mask: "fffffffffffefe00fffffffffffffffffeffffff",
  },
  {
    name: "arm",
    family: "arm",
    emulator: "qemu-arm",
    magic: "7f454c4601010100000000000000000002002800",
    mask: "ffffffffffffff00fffffffffffffffffeffffff",
  },
  {
    name: "armeb",
    family: "armeb",
    emulator: "qemu-armeb",
    magic: "7f454c4601020100000000000000000000020028",
    mask: "ffffffffffffff00fffffffffffffffffffeffff",
  },
  {
    name: "sparc",
    family: "sparc",
    emulator: "qemu-sparc",
    magic: "7f454c4601020100000000000000000000020002",
    mask: "ffffffffffffff00fffffffffffffffffffeffff",
  },
  {
    name: "sparc32plus",
    family: "sparc",
    emulator: "qemu-sparc32plus",
    magic: "7f454c4601020100000000000000000000020012",
    mask: "ffffffffffffff00fffffffffffffffffffeffff",
  },
  {
    name: "sparc64",
    family: "sparc",
    emulator: "qemu-sparc64",
    magic: "7f454c460202010000000000000000000002002b",
    mask: "ffffffffffffff00fffffffffffffffffffeffff",
  },
  {
    name: "ppc",
    family: "ppc",
    emulator: "qemu-ppc",
    magic: "7f454c4601020100000000000000000000020014",
    mask: "ffffffffffffff00fffffffffffffffffffeffff",
  },
  {
    name: "ppc64",
    family: "ppc",
    emulator: "qemu-ppc64",
    magic: "7f454c4602020100000000000000000000020015",
    mask: "ffffffffffffff00fffffffffffffffffffeffff",
  },
  {
    name: "ppc64le",
    family: "ppcle",
    emulator: "qemu-ppc64le",
    magic: "7f454c4602010100000000000000000002001500",
    mask: "ffffffffffffff00fffffffffffffffffeffff00",
  },
  {
    name: "m68k",
    family: "m68k",
    emulator: "qemu-m68k",
    magic: "7f454c4601020100000000000000000000020004",
    mask: "fffffffffffffe00fffffffffffffffffffeffff",
  },
  {
    name: "mips",
    family: "mips",
    emulator: "qemu-mips",
    magic: "7f454c46010201000000000000000000000200080000000100000000000000000000000000000000",
    mask: "ffffffffffffff0000fffffffffffffffffeffffffffffff00000000000000000000000000000020",
  },
  {
    name: "mipsel",
    family: "mips",
    emulator: "qemu-mipsel",
    magic: "7f454c46010101000000000000000000020008000100000000000000000000000000000000000000",
    mask: "ffffffffffffff0000fffffffffffffffeffffffffffffff00000000000000000000000020000000",
  },
  {
    name: "mipsn32",
    family: "mips",
    emulator: "qemu-mipsn32",
    magic: "7f454c46010201000000000000000000000200080000000100000000000000000000000000000020",
    mask: "ffffffffffffff0000fffffffffffffffffeffffffffffff00000000000000000000000000000020",
  },
  {
    name: "mipsn32el",
    family: "mips",
    emulator: "qemu-mipsn32el",
    magic: "7f454c46010101000000000000000000020008000100000000000000000000000000000020000000",
    mask: "ffffffffffffff0000fffffffffffffffeffffffffffffff00000000000000000000000020000000",
  },
  {
    name: "mips64",
    family: "mips",
    emulator: "qemu-mips64",
    magic: "7f454c4602020100000000000000000000020008",
    mask: "ffffffffffffff0000fffffffffffffffffeffff",
  },
  {
    name: "mips64el",
    family: "mips",
    emulator: "qemu-mips64el",
    magic: "7f454c4602010100000000000000000002000800",
    mask: "ffffffffffffff0000fffffffffffffffeffffff",
  },
  {
    name: "sh4",
    family: "sh4",
    emulator: "qemu-sh4",
    magic: "7f454c4601010100000000000000000002002a00",
    mask: "ffffffffffffff00fffffffffffffffffeffffff",
  },
  {
    name: "sh4eb",
    family: "sh4",
    emulator: "qemu-sh4eb",
    magic: "7f454c460102010000000000000000000002002a",
    mask: "ffffffffffffff00fffffffffffffffffffeffff",
  },
  {
    name: "s390x",
    family: "s390x",
    emulator: "qemu-s390x",
    magic: "7f454c4602020100000000000000000000020016",
    mask: "ffffffffffffff00fffffffffffffffffffeffff",
  },
  {
    name: "aarch64",
    family: "arm",
    emulator: "qemu-aarch64",
    magic: "7f454c460201010000000000000000000200b700",
    mask: "ffffffffffffff00fffffffffffffffffeffffff",
  },
  {
    name: "aarch64_be",
    family: "armeb",
    emulator: "qemu-aarch64_be",
    magic: "7f454c46020201000000000000000000000200b7",
    mask: "ffffffffffffff00fffffffffffffffffffeffff",
  },
  {
    name: "hppa",
    family: "hppa",
    emulator: "qemu-hppa",
    magic: "7f454c460102010000000000000000000002000f",
    mask: "ffffffffffffff00fffffffffffffffffffeffff",
  },
  {
    name: "riscv32",
    family: "riscv",
    emulator: "qemu-riscv32",
    magic: "7f454c460101010000000000000000000200f300",
    mask: "ffffffffffffff00fffffffffffffffffeffffff",
  },
  {
    name: "riscv64",
    family: "riscv",
    emulator: "qemu-riscv64",
    magic: "7f454c460201010000000000000000000200f300",
    mask: "ffffffffffffff00fffffffffffffffffeffffff",
  },
  {
    name: "xtensa",
    family: "xtensa",
    emulator: "qemu-xtensa",
    magic: "7f454c4601010100000000000000000002005e00",
    mask: "ffffffffffffff00fffffffffffffffffeffffff",
  },
  {
    name: "xtensaeb",
    family: "xtensaeb",
    emulator: "qemu-xtensaeb",
    magic: "7f454c460102010000000000000000000002005e",
    mask: "ffffffffffffff00fffffffffffffffffffeffff",
  },
  // MicroBlaze differs from QEMU's script on purpose. The script matches only e_machine 0xbaab
  // (EM_MICROBLAZE_OLD, from toolchains before 2009), and its big-endian entry has e_type in
  // little-endian byte order ("02 00"), so no binary binutils emits today (EM_MICROBLAZE = 189 =
  // 0xbd) was ever routed. qus matches 0xbd in each byte order, with e_type ET_EXEC or ET_DYN in
  // the right one. One entry per target: no mask can take both 0xbd and 0xbaab without matching
  // other CPUs, so the obsolete number is left out. Checked through the kernel in test/kernel.
  {
    name: "microblaze",
    family: "microblaze",
    emulator: "qemu-microblaze",
    magic: "7f454c46010201000000000000000000000200bd",
    mask: "ffffffffffffff00fffffffffffffffffffeffff",
  },
  {
    name: "microblazeel",
    family: "microblazeel",
    emulator: "qemu-microblazeel",
    magic: "7f454c460101010000000000000000000200bd00",
    mask: "ffffffffffffff00fffffffffffffffffeffffff",
  },
  {
    name: "or1k",
    family: "or1k",
    emulator: "qemu-or1k",
    magic: "7f454c460102010000000000000000000002005c",
    mask: "ffffffffffffff00fffffffffffffffffffeffff",
  },
  {
    name: "x86_64",
    family: "i386",
    emulator: "qemu-x86_64",
    magic: "7f454c4602010100000000000000000002003e00",
    mask: "fffffffffffefe00fffffffffffffffffeffffff",
  },
  {
    name: "hexagon",
    family: "hexagon",
    emulator: "qemu-hexagon",
    magic: "7f454c460101010000000000000000000200a400",
    mask: "ffffffffffffff00fffffffffffffffffeffffff",
  },
  {
    name: "loongarch64",
    family: "loongarch",
    emulator: "qemu-loongarch64",
    magic: "7f454c4602010100000000000000000002000201",
    mask: "fffffffffffffffc00fffffffffffffffeffffff",
  },
];

const BY_NAME = new Map(TARGETS.map((t) => [t.name, t]));

/** Looks a canonical target name up; undefined when it is not a QEMU target. */
export function findTarget(name: string): TargetInfo | undefined {
  return BY_NAME.get(name);
}

/** Names users commonly type for a target, mapped to QEMU's canonical name. */
export const TARGET_ALIASES: Readonly<Record<string, string>> = {
  arm64: "aarch64",
  amd64: "x86_64",
  "x86-64": "x86_64",
  x64: "x86_64",
  "386": "i386",
  i686: "i386",
  i586: "i386",
  x86: "i386",
  armhf: "arm",
  armel: "arm",
  armv6: "arm",
  armv6l: "arm",
  armv7: "arm",
  armv7l: "arm",
  arm32v7: "arm",
  arm32v6: "arm",
  arm64v8: "aarch64",
  ppc64el: "ppc64le",
  powerpc: "ppc",
  loong64: "loongarch64",
  mips64le: "mips64el",
  riscv: "riscv64",
};

/** Resolves a name or alias (case-insensitive) to a target; undefined when unknown. */
export function resolveTargetName(input: string): TargetInfo | undefined {
  const lower = input.toLowerCase();
  return findTarget(lower) ?? findTarget(TARGET_ALIASES[lower] ?? "");
}

/** Every spelling `resolveTargetName` accepts, for completion and "did you mean". */
export function knownTargetSpellings(): string[] {
  return [...TARGETS.map((t) => t.name), ...Object.keys(TARGET_ALIASES)];
}
