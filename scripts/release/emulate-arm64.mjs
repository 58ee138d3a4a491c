// Runs an arm64 (aarch64) program on this machine the way an arm64 host would: QEMU's
// qemu-aarch64 registered in a PRIVATE binfmt_misc (a new user + mount namespace; the host's own
// instance is never touched), with an arm64 C library root (Debian's libc6:arm64 and friends,
// unpacked by scripts/setup.sh) as QEMU_LD_PREFIX for dynamically linked programs such as Node.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { findTarget } from "../../dist/catalog/targets.js";
import { encodeRegisterLine } from "../../dist/kernel/register-line.js";

const SETUP_ADVICE = "run scripts/setup.sh (as root on Debian 12) to fetch them";

/** The fixtures folder scripts/setup.sh fills (same rule as test/helpers/fixtures.ts). */
export function fixturesDir() {
  if (process.env.QUS_FIXTURES) return process.env.QUS_FIXTURES;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "qus-test-fixtures");
}

/** The static qemu-aarch64 and the arm64 library root; throws when setup.sh has not made them. */
export function arm64Emulation() {
  const qemu = join(fixturesDir(), "qemu", "qemu-aarch64-static");
  const sysroot = join(fixturesDir(), "arm64-root");
  for (const path of [qemu, join(sysroot, "lib", "ld-linux-aarch64.so.1")]) {
    if (!existsSync(path)) throw new Error(`${path} is missing: ${SETUP_ADVICE}`);
  }
  return { qemu, sysroot };
}

/** The register line for qemu-aarch64 (F: the emulator is opened once, at registration). */
export function aarch64RegisterLine(qemu) {
  const target = findTarget("aarch64");
  return encodeRegisterLine({
    name: "qus-release-aarch64",
    offset: 0,
    magic: target.magic,
    mask: target.mask,
    interpreter: qemu,
    flags: "F",
  });
}

const SETUP_SCRIPT =
  'mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || exit 97; printf "%s" "$1" > /proc/sys/fs/binfmt_misc/register || exit 98; shift; exec "$@"';

/** The unshare command line that runs `command args` with qemu-aarch64 registered privately. */
function unshareArgs(qemu, command, args) {
  return [
    "--user",
    "--map-root-user",
    "--mount",
    "--",
    "sh",
    "-c",
    SETUP_SCRIPT,
    "sh",
    aarch64RegisterLine(qemu),
    command,
    ...args,
  ];
}

/** Like runWithArm64, but returns the exit status and both outputs instead of throwing. */
export function spawnWithArm64(command, args, { cwd, env } = {}) {
  const { qemu, sysroot } = arm64Emulation();
  const r = spawnSync("unshare", unshareArgs(qemu, command, args), {
    cwd,
    env: { ...process.env, ...env, QEMU_LD_PREFIX: sysroot },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs `command args` with arm64 programs executable, in new namespaces that vanish with it.
 * Returns its stdout; throws (with its stderr shown) when it fails.
 */
export function runWithArm64(command, args, { cwd, env } = {}) {
  const { qemu, sysroot } = arm64Emulation();
  const script =
    'mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || exit 97; printf "%s" "$1" > /proc/sys/fs/binfmt_misc/register || exit 98; shift; exec "$@"';
  return execFileSync(
    "unshare",
    [
      "--user",
      "--map-root-user",
      "--mount",
      "--",
      "sh",
      "-c",
      script,
      "sh",
      aarch64RegisterLine(qemu),
      command,
      ...args,
    ],
    {
      cwd,
      env: { ...process.env, ...env, QEMU_LD_PREFIX: sysroot },
      stdio: ["ignore", "pipe", "inherit"],
      encoding: "utf8",
    },
  );
}
