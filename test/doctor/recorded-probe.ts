// A HostProbe over recorded file contents, for hosts this machine is not (autofs, WSL, SELinux,
// old kernels, AppArmor's restriction, Debian's unprivileged_userns_clone=0). Directories are
// the parents of the recorded paths; the namespace experiment answers what the recording says.
import { parseEmulatorVersionText } from "../../src/currency/qemu-version.js";
import type { HostProbe, NamespaceTrial } from "../../src/doctor/probe.js";

/** What a recorded host holds. */
export interface Recording {
  readonly uid: number;
  /** Path → content (text, or bytes for binaries such as /proc/self/exe). */
  readonly files: Readonly<Record<string, string | Uint8Array>>;
  /** Empty directories (every directory holding a recorded file exists already). */
  readonly dirs?: readonly string[];
  readonly trial?: NamespaceTrial;
  readonly env?: NodeJS.ProcessEnv;
}

/** The probe, plus every path it was asked about and each mount point the experiment used. */
export interface RecordedProbe extends HostProbe {
  readonly asked: string[];
  readonly trials: string[];
}

/** A probe that answers from `recording` only. */
export function recordedProbe(recording: Recording): RecordedProbe {
  const asked: string[] = [];
  const trials: string[] = [];
  const content = (path: string) => {
    asked.push(path);
    return recording.files[path];
  };
  const bytes = (value: string | Uint8Array) =>
    typeof value === "string" ? new Uint8Array(Buffer.from(value, "latin1")) : value;
  return {
    uid: recording.uid,
    env: recording.env ?? {},
    asked,
    trials,
    async readText(path) {
      const value = content(path);
      if (value === undefined) return null;
      return typeof value === "string" ? value : Buffer.from(value).toString("latin1");
    },
    async readHead(path, length) {
      const value = content(path);
      return value === undefined ? null : bytes(value).slice(0, length);
    },
    async emulatorVersion(path) {
      const value = content(path);
      return value === undefined
        ? undefined
        : parseEmulatorVersionText(Buffer.from(bytes(value)).toString("latin1"));
    },
    async list(path) {
      asked.push(path);
      const prefix = `${path}/`;
      const children = new Set<string>();
      for (const file of [...Object.keys(recording.files), ...(recording.dirs ?? [])]) {
        if (file.startsWith(prefix)) children.add(file.slice(prefix.length).split("/")[0] ?? "");
      }
      const isDir = children.size > 0 || (recording.dirs ?? []).includes(path);
      return isDir ? [...children].sort() : null;
    },
    async exists(path) {
      asked.push(path);
      if (recording.files[path] !== undefined || (recording.dirs ?? []).includes(path)) return true;
      return Object.keys(recording.files).some((file) => file.startsWith(`${path}/`));
    },
    async tryPrivateInstance(mountPoint) {
      trials.push(mountPoint);
      return recording.trial ?? { kind: "private-instance" };
    },
  };
}
