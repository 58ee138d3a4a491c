// The three QEMU generations scripts/fetch-qemu-generations.sh fetches from Debian (bookworm's
// 7.2, trixie's 10.0, trixie-backports' 11.1), and what each answered to the probes when
// measured on real machines (the reference). A missing fixture fails, never skips.
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { fixturesDir } from "./fixtures.js";

/** The targets the e2e probe tests register from every generation (a MIPS one of each ABI). */
export const GENERATION_TARGETS = [
  "aarch64",
  "arm",
  "riscv64",
  "s390x",
  "ppc64le",
  "mips64el",
  "mipsel",
  "mipsn32el",
] as const;

/** Every emulator the fetch script extracts: each foreign target with a test program. */
export const FETCHED_TARGETS = [
  ...GENERATION_TARGETS,
  "aarch64_be",
  "riscv32",
  "ppc64",
  "ppc",
  "mips64",
  "mips",
  "mipsn32",
  "loongarch64",
] as const;

/** Each generation: its Debian suite, upstream version, and the probes its emulators lack. */
export const GENERATIONS = [
  {
    suite: "bookworm",
    qemu: "7.2.22",
    missing: ["openat2", "clone3", "epoll_pwait2", "futex_waitv", "fchmodat2"],
  },
  { suite: "trixie", qemu: "10.0.13", missing: ["clone3", "epoll_pwait2", "futex_waitv"] },
  { suite: "trixie-backports", qemu: "11.1.3", missing: ["clone3", "futex_waitv"] },
] as const;

/** The directory of one generation's qemu-<target>-static files; throws when not fetched. */
export function generationDir(suite: string): string {
  const dir = join(fixturesDir(), "generations", suite);
  const missing = FETCHED_TARGETS.map((t) => join(dir, `qemu-${t}-static`)).filter(
    (path) => !existsSync(path) || (statSync(path).mode & 0o111) === 0,
  );
  if (missing.length > 0) {
    throw new Error(
      `QEMU generation fixtures missing: ${missing.join(", ")}; run scripts/setup.sh (it runs scripts/fetch-qemu-generations.sh)`,
    );
  }
  return dir;
}
