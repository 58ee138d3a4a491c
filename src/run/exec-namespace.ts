// `qus run` handing its own process to the command (process.execve, Node 22.15+ and the
// standalone executable's Node 26): no fork of a Node process of some 50 MB, no Node waiting and
// exiting after the command. The command gets qus's pid and its signals directly, and its exit
// status is qus run's. Nothing is left to explain a failed setup, so the scripts print qus's own
// error text (rendered here beforehand), and a first `unshare ... true` tells a namespace the
// kernel refuses from the command's own failure.
import { resolve } from "node:path";
import { BEFORE_EXEC_EVENT } from "../cli/before-exec.js";
import { QusError } from "../errors.js";
import {
  binfmtDevices,
  readTextOrEmpty,
  SETUP_BODY,
  setupArguments,
  setupFailure,
  UNSHARE_ARGS,
  type NamespaceRun,
} from "./namespace.js";

type Execve = (file: string, args: readonly string[], env: Record<string, string>) => void;

/** process.execve where this Node has it (22.15+; the types are Node 20's). */
function execve(): Execve | undefined {
  return (process as { execve?: Execve }).execve;
}

/** Whether this Node can hand its process over. */
export function canHandOver(): boolean {
  return execve() !== undefined;
}

/** A word for any shell: single-quoted, each ' closed, escaped and reopened. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** Stands for the detail the script knows and qus does not, in a rendered message (printable: rendering escapes control characters). */
const DETAIL = "@qus-run-detail@";

/** printf arguments printing `error`'s text with `detail` (a shell word) in place of DETAIL. */
function printfWithDetail(text: string, detail: string): string {
  const [before, after = ""] = text.split(DETAIL);
  return `printf '%s%s%s' ${shellQuote(before ?? "")} "${detail}" ${shellQuote(after)}`;
}

/** The scripts, given how an error prints (`render`), the command's name and the kernel release. */
export function handOverScripts(
  render: (error: QusError) => string,
  command: string,
  release: string,
): { outer: string; setup: string } {
  const say = (error: QusError) => `printf '%s' ${shellQuote(render(error))} >&2`;
  const setup = `fail() {
  case $1 in
    mount) ${say(setupFailure.noPrivateInstance(release))} ;;
    private) ${printfWithDetail(render(setupFailure.notPrivate(DETAIL)), "$2")} >&2 ;;
    register) ${printfWithDetail(render(setupFailure.register(DETAIL)), "$2")} >&2 ;;
    *) ${say(setupFailure.notFound(command))} ;;
  esac
  exit 1
}
started() { :; }
${SETUP_BODY}`;
  const unshare = UNSHARE_ARGS.join(" ");
  const outer = `command -v unshare >/dev/null 2>&1 || { ${say(setupFailure.noUnshare())}; exit 1; }
if ! err=$(unshare ${unshare} true 2>&1); then
  [ -z "$err" ] || printf '%s\\n' "$err" >&2
  ${say(setupFailure.refused())}
  exit 1
fi
exec unshare ${unshare} sh -c ${shellQuote(setup)} sh "$@"`;
  return { outer, setup };
}

// Why: Node ignores SIGPIPE and SIGXFSZ, and exec keeps an ignored signal ignored (a handled one
// returns to its default): `qus run -- yes | head` must end as `yes | head` does.
/** Replaces this process with the namespace's scripts and then the command; returns only by throwing. */
export function handOverToNamespace(run: NamespaceRun, render: (error: QusError) => string): never {
  const release = readTextOrEmpty("/proc/sys/kernel/osrelease").trim();
  const { outer } = handOverScripts(render, run.argv[0] ?? "", release);
  const hostDevices = binfmtDevices(readTextOrEmpty("/proc/self/mountinfo"));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(run.env)) if (value !== undefined) env[key] = value;
  for (const signal of ["SIGPIPE", "SIGXFSZ"] as const) process.on(signal, () => {});
  (process as NodeJS.EventEmitter).emit(BEFORE_EXEC_EVENT);
  try {
    process.chdir(resolve(run.cwd));
    execve()?.("/bin/sh", ["sh", "-c", outer, ...setupArguments(run, hostDevices)], env);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new QusError(`Could not start /bin/sh for qus run (${reason})`);
  }
  throw new QusError("Could not start /bin/sh for qus run (process.execve returned)");
}
