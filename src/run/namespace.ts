// The namespace side of `qus run`: a few lines of shell that unshare starts in a new user and
// mount namespace. They mount a new binfmt_misc instance, prove it is private (a binfmt_misc
// mount that is none of the host's instances, and empty), write the register lines the outer
// qus computed, and exec the command. No second Node process and no second config load: the
// outer qus did all the planning. The script reports how far it got on file descriptor 3, which
// it closes before exec, so the command's own exit status is never mistaken for a setup failure.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { constants } from "node:os";
import { resolve } from "node:path";
import { QusError } from "../errors.js";
import { parseMountInfo } from "../kernel/mountinfo.js";
import {
  NAMESPACE_REFUSED,
  NAMESPACE_REFUSED_FIX,
  NO_PRIVATE_INSTANCE_FIX,
  SEE_DOCTOR,
  noPrivateInstanceMessage,
} from "../doctor/conditions.js";

/** The standard mount point, where the private instance is mounted inside the namespace. */
export const RUN_BINFMT_DIR = "/proc/sys/fs/binfmt_misc";

/** POSIX sh: $1 the host's binfmt_misc devices (comma-separated), $2 the line to print once registered, $3 how many register lines follow, then the lines, then the command. */
const SETUP_SCRIPT = `dir=${RUN_BINFMT_DIR}
mount -t binfmt_misc binfmt_misc "$dir" 2>/dev/null || { echo mount >&3; exit 125; }
host=$1 done_line=$2 n=$3
shift 3
dev= fs=
while read -r _ _ d _ mp rest; do
  if [ "$mp" = "$dir" ]; then dev=$d; fs=\${rest#* - }; fs=\${fs%% *}; fi
done < /proc/self/mountinfo
[ "$fs" = binfmt_misc ] || { echo "private it is \${fs:-not a mount}" >&3; exit 125; }
case ",$host," in *",$dev,"*) echo "private it is the host's instance $dev" >&3; exit 125;; esac
for f in "$dir"/*; do
  case \${f##*/} in register|status) ;; *) echo "private a new instance is empty, this one is not" >&3; exit 125;; esac
done
while [ "$n" -gt 0 ]; do
  printf '%s' "$1" 2>/dev/null > "$dir/register" || { printf 'register %s\\n' "\${1%%:M:*}" >&3; exit 125; }
  shift; n=$((n - 1))
done
case $1 in
  */*) [ -f "$1" ] && [ -x "$1" ] ;;
  *) command -v -- "$1" >/dev/null 2>&1 ;;
esac || { echo notfound >&3; exit 127; }
printf '%s\\n' "$done_line" >&2
echo ok >&3
exec 3>&-
exec "$@"`;

/** What the namespace needs from the outer qus. */
export interface NamespaceRun {
  readonly registerLines: readonly string[];
  /** Printed on stderr once every line is registered, before the command starts. */
  readonly doneLine: string;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Runs the command in a new namespace with the lines registered; returns its exit status. */
export async function runInNamespace(run: NamespaceRun): Promise<number> {
  const hostDevices = (await binfmtDevices("/proc/self/mountinfo")).join(",");
  const args = ["--user", "--map-root-user", "--mount", "--", "sh", "-c", SETUP_SCRIPT, "sh"];
  args.push(hostDevices, run.doneLine, String(run.registerLines.length), ...run.registerLines);
  const { code, status } = await spawnWithStatus(args, run);
  if (status === "ok") return code ?? 1;
  throw await setupError(status, run.argv[0] ?? "", code);
}

async function setupError(status: string, command: string, code: number | null): Promise<QusError> {
  if (status === "notfound")
    return new QusError(`Cannot run ${command}: not found or not executable`);
  if (status.startsWith("private "))
    return new QusError(
      `Refusing to register: the binfmt_misc at ${RUN_BINFMT_DIR} is not provably private (${status.slice(8)})`,
    );
  if (status.startsWith("register "))
    return new QusError(
      `Could not register ${status.slice(9).replace(/^:/, "")} in the private binfmt_misc at ${RUN_BINFMT_DIR}`,
    );
  if (code === null)
    return new QusError("Could not run unshare (util-linux) to create a private user namespace");
  // No word on fd 3: the script never ran, so unshare could not create the namespace.
  if (status === "")
    return new QusError(NAMESPACE_REFUSED, { hint: `${NAMESPACE_REFUSED_FIX}\n${SEE_DOCTOR}` });
  const release = (await readFile("/proc/sys/kernel/osrelease", "utf8").catch(() => "")).trim();
  return new QusError(noPrivateInstanceMessage(release || null), {
    hint: `${NO_PRIVATE_INSTANCE_FIX}\n${SEE_DOCTOR}`,
  });
}

/** Spawns unshare with this process's stdio plus a status pipe; null code when it could not start. Signals pass through as 128+n. */
function spawnWithStatus(
  args: readonly string[],
  run: NamespaceRun,
): Promise<{ code: number | null; status: string }> {
  return new Promise((done) => {
    let finished = false;
    const child = spawn("unshare", [...args, ...run.argv], {
      stdio: ["inherit", "inherit", "inherit", "pipe"],
      env: run.env,
      cwd: resolve(run.cwd),
    });
    let status = "";
    const pipe = child.stdio[3] as NodeJS.ReadableStream | null;
    pipe?.setEncoding("utf8");
    pipe?.on("data", (text: string) => {
      status += text;
    });
    pipe?.on("error", () => {});
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    const finish = (code: number | null) => {
      if (finished) return;
      finished = true;
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      done({ code, status: status.trim() });
    };
    child.once("error", () => finish(null));
    child.once("close", (code, signal) =>
      finish(code ?? 128 + (signal ? constants.signals[signal] : 0)),
    );
  });
}

/** The device numbers of every binfmt_misc instance this process sees (the host's). */
async function binfmtDevices(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return [];
  }
  return parseMountInfo(text)
    .filter((m) => m.fsType === "binfmt_misc")
    .map((m) => m.device);
}
