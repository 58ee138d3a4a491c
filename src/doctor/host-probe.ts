// The real HostProbe: reads files with node:fs and runs the throwaway-namespace experiment with
// unshare(1). It writes nothing: the experiment's mount lives in a mount namespace of its own,
// which vanishes with it.
import { spawn } from "node:child_process";
import { constants } from "node:fs";
import { access, type FileHandle, open, readdir, readFile, stat } from "node:fs/promises";
import { readEmulatorVersion } from "../currency/emulator-version.js";
import type { HostProbe, NamespaceTrial } from "./probe.js";

const TRIAL_TIMEOUT_MS = 10_000;
/** Larger files are not scanned for a QEMU version text (static emulators are a few MiB to ~100 MiB). */
const MAX_EMULATOR_BYTES = 512 * 1024 * 1024;
/** Exit statuses of the trial script, after unshare created the namespaces. */
const MOUNT_FAILED = 125;
const LIST_FAILED = 124;
const LISTED = 0;

/** The probe of the machine qus runs on. */
export function hostProbe(env: NodeJS.ProcessEnv): HostProbe {
  return {
    uid: process.geteuid?.() ?? -1,
    env,
    async readText(path) {
      try {
        return await readFile(path, "utf8");
      } catch {
        return null;
      }
    },
    async readHead(path, length) {
      let handle;
      try {
        handle = await openRegularFile(path);
        if (handle === null) return null;
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, 0);
        return new Uint8Array(buffer.buffer, buffer.byteOffset, bytesRead);
      } catch {
        return null;
      } finally {
        await handle?.close();
      }
    },
    async emulatorVersion(path) {
      try {
        const info = await stat(path);
        if (!info.isFile() || info.size > MAX_EMULATOR_BYTES) return undefined;
        return await readEmulatorVersion(path);
      } catch {
        return undefined;
      }
    },
    async list(path) {
      try {
        return (await readdir(path)).sort();
      } catch {
        return null;
      }
    },
    async exists(path) {
      try {
        await access(path);
        return true;
      } catch {
        return false;
      }
    },
    tryPrivateInstance: (mountPoint) => tryPrivateInstance(mountPoint, env),
  };
}

/**
 * Opens a regular file only: an interpreter path comes from the kernel and may name a FIFO (whose
 * open would block) or a device such as /dev/zero (which never ends). Null for anything else.
 */
async function openRegularFile(path: string): Promise<FileHandle | null> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  if ((await handle.stat()).isFile()) return handle;
  await handle.close();
  return null;
}

/**
 * unshare --user --map-root-user --mount, then mount binfmt_misc at `mountPoint` inside and list
 * it: a private instance is new, so it holds exactly `register` and `status`.
 */
function tryPrivateInstance(mountPoint: string, env: NodeJS.ProcessEnv): Promise<NamespaceTrial> {
  const script = `mount -t binfmt_misc binfmt_misc "$1" || exit ${MOUNT_FAILED}; ls -1 "$1" || exit ${LIST_FAILED}`;
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(
        "unshare",
        ["--user", "--map-root-user", "--mount", "--", "sh", "-c", script, "sh", mountPoint],
        { stdio: ["ignore", "pipe", "pipe"], env, timeout: TRIAL_TIMEOUT_MS },
      );
    } catch (error) {
      resolve({ kind: "not-tried", detail: String(error) });
      return;
    }
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", (error) =>
      resolve({ kind: "not-tried", detail: `cannot run unshare (util-linux): ${error.message}` }),
    );
    child.once("close", (code, signal) => {
      const detail = stderr.trim();
      if (signal !== null)
        resolve({ kind: "not-tried", detail: `the experiment was stopped (${signal})` });
      else if (code === MOUNT_FAILED) resolve({ kind: "no-mount", detail });
      else if (code === LIST_FAILED) resolve({ kind: "not-tried", detail });
      else if (code !== LISTED) resolve({ kind: "no-namespace", detail });
      else if (stdout.split("\n").filter(Boolean).sort().join(",") === "register,status")
        resolve({ kind: "private-instance" });
      else
        resolve({
          kind: "shared-instance",
          detail: `the mounted instance already holds: ${stdout.split("\n").filter(Boolean).join(", ")}`,
        });
    });
  });
}
