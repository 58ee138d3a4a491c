// The namespace side of `qus run`: a few lines of shell that unshare starts in a new user and
// mount namespace. They mount a new binfmt_misc instance, prove it is private (a binfmt_misc
// mount that is none of the host's instances, and empty), write the register lines the outer
// qus computed, and exec the command. No second Node process and no second config load: the
// outer qus did all the planning. Started as a child (Node 20), the script reports how far it got
// on file descriptor 3, which it closes before exec, so the command's own exit status is never
// mistaken for a setup failure; where qus hands its process over instead, exec-namespace.ts.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
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

/**
 * POSIX sh, the part both ways of reporting share: $1 the host's binfmt_misc devices
 * (comma-separated), $2 the line to print once registered, $3 how many register lines follow,
 * then the lines, then the command. A failure calls `fail WORD DETAIL STATUS`; `started` runs
 * just before the command is exec'd. The caller defines both.
 */
export const SETUP_BODY = `dir=${RUN_BINFMT_DIR}
mount -t binfmt_misc binfmt_misc "$dir" 2>/dev/null || fail mount "" 125
host=$1 done_line=$2 n=$3
shift 3
dev= fs=
while read -r _ _ d _ mp rest; do
  if [ "$mp" = "$dir" ]; then dev=$d; fs=\${rest#* - }; fs=\${fs%% *}; fi
done < /proc/self/mountinfo
[ "$fs" = binfmt_misc ] || fail private "it is \${fs:-not a mount}" 125
case ",$host," in *",$dev,"*) fail private "it is the host's instance $dev" 125;; esac
for f in "$dir"/*; do
  case \${f##*/} in register|status) ;; *) fail private "a new instance is empty, this one is not" 125;; esac
done
while [ "$n" -gt 0 ]; do
  printf '%s' "$1" 2>/dev/null > "$dir/register" || { name=\${1%%:M:*}; fail register "\${name#:}" 125; }
  shift; n=$((n - 1))
done
case $1 in
  */*) [ -f "$1" ] && [ -x "$1" ] ;;
  *) command -v -- "$1" >/dev/null 2>&1 ;;
esac || fail notfound "" 127
printf '%s\\n' "$done_line" >&2
started
exec "$@"`;

/** Reports on file descriptor 3, which it closes before exec, so the command's own exit status is never mistaken for a setup failure. */
const SETUP_SCRIPT = `fail() { echo "$1\${2:+ $2}" >&3; exit "$3"; }
started() { echo ok >&3; exec 3>&-; }
${SETUP_BODY}`;

/** unshare's arguments up to the setup script's own. */
export const UNSHARE_ARGS = ["--user", "--map-root-user", "--mount", "--"] as const;

/** The setup script's arguments after its text: $0, the host's devices, the done line, the lines, the command. */
export function setupArguments(run: NamespaceRun, hostDevices: readonly string[]): string[] {
  return [
    "sh",
    hostDevices.join(","),
    run.doneLine,
    String(run.registerLines.length),
    ...run.registerLines,
    ...run.argv,
  ];
}

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
  const hostDevices = binfmtDevices(readTextOrEmpty("/proc/self/mountinfo"));
  const args = [...UNSHARE_ARGS, "sh", "-c", SETUP_SCRIPT, ...setupArguments(run, hostDevices)];
  const { code, status } = await spawnWithStatus(args, run);
  if (status === "ok") return code ?? 1;
  throw setupError(status, run.argv[0] ?? "", code);
}

/** The error of each way the namespace's setup can fail, as qus words it (the exec'd script prints the same). */
export const setupFailure = {
  notFound: (command: string) => new QusError(`Cannot run ${command}: not found or not executable`),
  notPrivate: (detail: string) =>
    new QusError(
      `Refusing to register: the binfmt_misc at ${RUN_BINFMT_DIR} is not provably private (${detail})`,
    ),
  register: (name: string) =>
    new QusError(`Could not register ${name} in the private binfmt_misc at ${RUN_BINFMT_DIR}`),
  noUnshare: () =>
    new QusError("Could not run unshare (util-linux) to create a private user namespace"),
  refused: () =>
    new QusError(NAMESPACE_REFUSED, { hint: `${NAMESPACE_REFUSED_FIX}\n${SEE_DOCTOR}` }),
  noPrivateInstance: (release: string) =>
    new QusError(noPrivateInstanceMessage(release || null), {
      hint: `${NO_PRIVATE_INSTANCE_FIX}\n${SEE_DOCTOR}`,
    }),
};

function setupError(status: string, command: string, code: number | null): QusError {
  if (status === "notfound") return setupFailure.notFound(command);
  if (status.startsWith("private ")) return setupFailure.notPrivate(status.slice(8));
  if (status.startsWith("register ")) return setupFailure.register(status.slice(9));
  if (code === null) return setupFailure.noUnshare();
  // No word on fd 3: the script never ran, so unshare could not create the namespace.
  if (status === "") return setupFailure.refused();
  return setupFailure.noPrivateInstance(readTextOrEmpty("/proc/sys/kernel/osrelease").trim());
}

/** Spawns unshare with this process's stdio plus a status pipe; null code when it could not start. Signals pass through as 128+n. */
function spawnWithStatus(
  args: readonly string[],
  run: NamespaceRun,
): Promise<{ code: number | null; status: string }> {
  return new Promise((done) => {
    let finished = false;
    const child = spawn("unshare", args, {
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

/** The device numbers of every binfmt_misc instance in a mountinfo text (the host's). */
export function binfmtDevices(mountinfo: string): string[] {
  return parseMountInfo(mountinfo)
    .filter((m) => m.fsType === "binfmt_misc")
    .map((m) => m.device);
}

/** A file of /proc read whole, or "" when it cannot be read (qus run words that case itself). */
export function readTextOrEmpty(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
