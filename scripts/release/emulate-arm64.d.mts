// Types of emulate-arm64.mjs for the TypeScript tests that use it.
/** The static qemu-aarch64 and the arm64 library root (QEMU_LD_PREFIX). */
export function arm64Emulation(): { qemu: string; sysroot: string };
/** The binfmt_misc register line for qemu-aarch64 (F flag). */
export function aarch64RegisterLine(qemu: string): string;
/** Runs a command with arm64 programs executable in a private binfmt_misc; returns its stdout. */
export function runWithArm64(
  command: string,
  args: readonly string[],
  options?: { cwd?: string; env?: Record<string, string> },
): string;
/** The test fixtures folder. */
export function fixturesDir(): string;
/** Like runWithArm64, but returns the exit status and both outputs. */
export function spawnWithArm64(
  command: string,
  args: readonly string[],
  options?: { cwd?: string; env?: Record<string, string> },
): { code: number | null; stdout: string; stderr: string };
