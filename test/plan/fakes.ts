// In-memory builders for the pure planner's inputs: config, resolved emulators, live state.
import { createHash } from "node:crypto";
import { findTarget } from "../../src/catalog/targets.js";
import { describeHost } from "../../src/catalog/host.js";
import { CONFIG_DEFAULTS, type QusConfig, type TargetRequest } from "../../src/config/types.js";
import { installedPath, resolveDesired, wantedEmulators } from "../../src/plan/desired.js";
import type { Desired, Live, LiveEntry, StateRecord } from "../../src/plan/types.js";
import type { ResolvedEmulator } from "../../src/sources/types.js";

export const HOST = describeHost("x86_64");
export const INSTALL = "/opt/qus";

export function request(target: string, overrides: Partial<TargetRequest> = {}): TargetRequest {
  return {
    target,
    requestedAs: target,
    flags: "POF",
    enabled: true,
    allowHostFamily: false,
    ...overrides,
  };
}

export function config(targets: TargetRequest[], overrides: Partial<QusConfig> = {}): QusConfig {
  return {
    file: "/etc/qus/qus.config.json",
    targets,
    flags: "POF",
    allowCredentials: false,
    source: { type: "local", path: "/srv/emu", patterns: [...CONFIG_DEFAULTS.localPatterns] },
    installDir: INSTALL,
    prefix: "qemu-",
    hostCpu: null,
    prune: true,
    binfmtDir: "/proc/sys/fs/binfmt_misc",
    stateFile: "/var/lib/qus/state.json",
    persist: false,
    binfmtDDir: "/etc/binfmt.d",
    cacheDir: "/var/cache/qus",
    lockFile: "/etc/qus/qus.lock.json",
    ...overrides,
  };
}

/** A fake content hash that differs per emulator and per "version". */
export function sha(emulator: string, version = 1): string {
  let h = `${emulator}:${version}`;
  while (h.length < 64) h += h;
  return Buffer.from(h).toString("hex").slice(0, 64);
}

export function resolved(cfg: QusConfig, version = 1): ResolvedEmulator[] {
  return wantedEmulators(cfg, HOST).map((emulator) => ({
    emulator,
    path: `/srv/emu/${emulator}-static`,
    sha256: sha(emulator, version),
    size: 1000,
    description: `local /srv/emu/${emulator}-static`,
  }));
}

export function desiredFor(cfg: QusConfig, version = 1): Desired {
  return resolveDesired(cfg, HOST, resolved(cfg, version));
}

/** The live entry the kernel would print after registering `target` as qus does. */
export function liveEntry(target: string, overrides: Partial<LiveEntry> = {}): LiveEntry {
  const info = findTarget(target)!;
  return {
    name: `qemu-${target}`,
    enabled: true,
    type: "M",
    interpreter: installedPath(INSTALL, info.emulator),
    flags: "POF",
    offset: 0,
    magic: info.magic,
    mask: info.mask,
    ...overrides,
  };
}

/** SHA-256 of a text, as the executor records a binfmt.d file it wrote. */
export function textSha(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export const EMPTY_STATE: StateRecord = { version: 1, emulators: {}, registrations: {} };

/** Live state in which `desired` has been fully applied (files, entries and state record). */
export function convergedLive(desired: Desired): Live {
  const emulators: Record<string, { sha256: string; size: number }> = {};
  const registrations: Record<string, { interpreter: string; sha256: string }> = {};
  const binfmtd: Record<string, { sha256: string }> = {};
  for (const f of desired.binfmtd) binfmtd[f.path] = { sha256: textSha(f.content) };
  for (const e of desired.emulators) emulators[e.path] = { sha256: e.sha256, size: e.size };
  for (const r of desired.registrations) {
    registrations[r.name] = {
      interpreter: r.interpreter,
      sha256: desired.emulators.find((e) => e.path === r.interpreter)!.sha256,
    };
  }
  return {
    binfmtDir: desired.binfmtDir,
    mounted: true,
    enabledGlobally: true,
    entries: desired.registrations.map((r) =>
      liveEntry(r.target, { flags: r.flags, enabled: r.enabled, name: r.name }),
    ),
    files: desired.emulators.map((e) => ({ path: e.path, sha256: e.sha256 })),
    binfmtd: desired.binfmtd.map((f) => ({
      path: f.path,
      content: f.content,
      sha256: textSha(f.content),
    })),
    state: { version: 1, emulators, registrations, binfmtd },
  };
}

export function emptyLive(overrides: Partial<Live> = {}): Live {
  return {
    binfmtDir: "/proc/sys/fs/binfmt_misc",
    mounted: true,
    enabledGlobally: true,
    entries: [],
    files: [],
    binfmtd: [],
    state: EMPTY_STATE,
    ...overrides,
  };
}
