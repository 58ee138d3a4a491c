// Turns the config into the registrations and files qus wants, given the host CPU and the
// emulators the source resolved. Pure: resolution of the emulator bytes happened before.
import { findTarget, type TargetInfo } from "../catalog/targets.js";
import type { HostCpu } from "../catalog/host.js";
import type { QusConfig, TargetRequest } from "../config/types.js";
import type { ResolvedEmulator } from "../sources/types.js";
import type { Desired, DesiredEmulator, DesiredRegistration, SkippedTarget } from "./types.js";
import { binfmtdFileFor } from "./persist.js";
import { knownIssueWarnings } from "../currency/known-issues.js";

/** Directories emptied at boot: a binfmt.d file naming an interpreter there fails at the next boot. */
const VOLATILE_DIRS = ["/tmp/", "/run/", "/dev/shm/"];

/** Explains why a requested target is not registered on this host, or null when it is. */
export function skipReason(request: TargetRequest, host: HostCpu): string | null {
  const info = catalogEntry(request.target);
  if (request.target === host.target) {
    return `${request.target} is this host's own CPU (${host.machine}); a handler for it would catch every native program, so qus never registers it`;
  }
  // Compared by emulator too: i486's is qemu-i386, the one for an i386-class host's own programs.
  if (info.emulator === catalogEntry(host.target).emulator) {
    return `${request.target} runs on ${info.emulator}, the emulator of this host's own CPU (${host.machine}); a handler for it would catch native programs, so qus never registers it`;
  }
  if (info.family === host.family && !request.allowHostFamily) {
    return `${request.target} is in the CPU family of this ${host.machine} host (${host.family}), which may run it natively; set "hostFamily": true on this target to register it anyway`;
  }
  return null;
}

/** The emulator programs the config needs on this host, in first-use order. */
export function wantedEmulators(config: QusConfig, host: HostCpu): string[] {
  const names = config.targets
    .filter((request) => skipReason(request, host) === null)
    .map((request) => catalogEntry(request.target).emulator);
  return [...new Set(names)];
}

/** Where an emulator program is installed. */
export function installedPath(installDir: string, emulator: string): string {
  return `${installDir.replace(/\/+$/, "")}/${emulator}`;
}

/** Builds the desired state; `emulators` must cover every name `wantedEmulators` returned. */
export function resolveDesired(
  config: QusConfig,
  host: HostCpu,
  emulators: readonly ResolvedEmulator[],
): Desired {
  const byEmulator = new Map(emulators.map((e) => [e.emulator, e]));
  const registrations: DesiredRegistration[] = [];
  const files = new Map<string, DesiredEmulator>();
  const skipped: SkippedTarget[] = [];
  const warnings: string[] = [];
  const warned = new Set<string>();

  for (const request of config.targets) {
    const reason = skipReason(request, host);
    if (reason !== null) {
      skipped.push({ target: request.target, reason });
      continue;
    }
    const info = catalogEntry(request.target);
    const resolved = byEmulator.get(info.emulator);
    if (resolved === undefined)
      throw new Error(`internal: emulator ${info.emulator} was not resolved`);
    const path = installedPath(config.installDir, info.emulator);
    files.set(path, {
      path,
      emulator: info.emulator,
      sha256: resolved.sha256,
      size: resolved.size,
      origin: { kind: "file", path: resolved.path, description: resolved.description },
      ...(resolved.qemuVersion === undefined ? {} : { qemuVersion: resolved.qemuVersion }),
    });
    if (resolved.qemuVersion !== undefined && !warned.has(info.emulator)) {
      warned.add(info.emulator);
      warnings.push(...knownIssueWarnings(info.emulator, resolved.qemuVersion));
    }
    registrations.push(registrationFor(config.prefix + request.target, info, path, request));
    if (request.flags.includes("C")) {
      warnings.push(
        `${config.prefix}${request.target} uses the C flag: any foreign setuid binary will run with raised privileges through QEMU, which is easy to exploit (allowed by "allowCredentials": true)`,
      );
    }
  }

  registrations.sort((a, b) => compareText(a.name, b.name));
  const binfmtd = config.persist
    ? registrations.map((r) => binfmtdFileFor(config.binfmtDDir, r))
    : [];
  const volatile = VOLATILE_DIRS.find((dir) => `${config.installDir}/`.startsWith(dir));
  if (binfmtd.length > 0 && volatile !== undefined) {
    warnings.push(
      `installDir ${config.installDir} is under ${volatile}, which is emptied at boot: the binfmt.d files will name emulators that no longer exist after a reboot`,
    );
  }
  return {
    binfmtDir: config.binfmtDir,
    prefix: config.prefix,
    prune: config.prune,
    registrations,
    emulators: [...files.values()].sort((a, b) => compareText(a.path, b.path)),
    binfmtd,
    skipped,
    warnings,
    persist: config.persist === true,
    binfmtDDir: config.binfmtDDir,
  };
}

function registrationFor(
  name: string,
  info: TargetInfo,
  interpreter: string,
  request: TargetRequest,
): DesiredRegistration {
  return {
    name,
    target: info.name,
    interpreter,
    flags: request.flags,
    offset: 0,
    magic: info.magic,
    mask: info.mask,
    enabled: request.enabled,
  };
}

function catalogEntry(target: string): TargetInfo {
  const info = findTarget(target);
  if (info === undefined) throw new Error(`internal: target ${target} is not in the catalog`);
  return info;
}

/** Plain code-unit order, independent of the locale, so plans are the same everywhere. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
