// The checks a JSON Schema cannot express: target names against the catalog (with "did you
// mean"), one entry per target, flag letters used once, the C flag's explicit opt-in, mirror
// URLs that parse, and the version policy (version-policy.ts). Tolerant of a wrongly shaped config, so these problems are reported
// together with the schema's.
import { knownTargetSpellings, resolveTargetName, TARGETS } from "../catalog/targets.js";
import type { ConfigProblem } from "../errors.js";
import { didYouMean } from "./did-you-mean.js";
import { repeatedFlags } from "../catalog/flags.js";
import type { Locator } from "./positions.js";
import { fieldLabel, joinPointer } from "./pointer.js";
import { problemAt, type ConfigSource } from "./problems.js";
import { quote } from "./quote.js";
import { isInsideOversized } from "./schema-messages.js";
import { checkVersionPolicy } from "./version-policy.js";

/**
 * Every problem the catalog and the flag rules find in raw config data. Fields in `oversized`
 * (already refused for their size by the schema) are not checked again.
 */
export function semanticProblems(
  data: unknown,
  locate: Locator,
  source: ConfigSource,
  oversized: ReadonlySet<string> = new Set(),
): ConfigProblem[] {
  if (!isRecord(data)) return [];
  const problems: ConfigProblem[] = [];
  const report: Report = (pointer, text) => {
    if (isInsideOversized(pointer, oversized)) return;
    problems.push(problemAt(source, locate(pointer), pointer, `${fieldLabel(pointer)}: ${text}`));
  };
  const allowCredentials = data.allowCredentials === true;
  checkFlags(data.flags, "/flags", allowCredentials, report);
  if (Array.isArray(data.targets) && !oversized.has("/targets"))
    checkTargets(data.targets, allowCredentials, report);
  if (typeof data.hostCpu === "string" && resolveTargetName(data.hostCpu) === undefined)
    report("/hostCpu", unknownTargetMessage(data.hostCpu));
  if (isRecord(data.source)) {
    for (const key of ["mirror", "securityMirror"])
      checkUrl(data.source[key], joinPointer(["source", key]), report);
    if (data.source.type === "fedora") checkFedoraSource(data.source, report);
    if (data.source.type === "fedora" || data.source.type === "debian")
      checkVersionPolicy(data.source, report);
  }
  return problems;
}

type Report = (pointer: string, text: string) => void;

function checkTargets(
  targets: readonly unknown[],
  allowCredentials: boolean,
  report: Report,
): void {
  const firstSeen = new Map<string, { index: number }>();
  targets.forEach((entry, index) => {
    const name = typeof entry === "string" ? entry : isRecord(entry) ? entry.name : undefined;
    const namePointer =
      typeof entry === "string"
        ? joinPointer(["targets", index])
        : joinPointer(["targets", index, "name"]);
    if (isRecord(entry))
      checkFlags(entry.flags, joinPointer(["targets", index, "flags"]), allowCredentials, report);
    if (typeof name !== "string" || name === "") return;
    const target = resolveTargetName(name);
    if (target === undefined) {
      report(namePointer, unknownTargetMessage(name));
      return;
    }
    const earlier = firstSeen.get(target.name);
    if (earlier !== undefined) {
      const what =
        name === target.name ? quote(name) : `${quote(name)} means ${target.name}, which`;
      report(
        namePointer,
        `${what} is already listed as targets[${earlier.index}]; list each target once`,
      );
      return;
    }
    firstSeen.set(target.name, { index });
  });
}

function unknownTargetMessage(name: string): string {
  const hint = didYouMean(name, knownTargetSpellings());
  if (hint !== "") return `unknown target ${quote(name)}${hint}`;
  return `unknown target ${quote(name)} (known targets: ${TARGETS.map((t) => t.name).join(", ")})`;
}

function checkFlags(
  flags: unknown,
  pointer: string,
  allowCredentials: boolean,
  report: Report,
): void {
  if (typeof flags !== "string" || !/^[POCF]*$/.test(flags)) return;
  const repeated = repeatedFlags(flags);
  if (repeated.length > 0) {
    const letters = repeated.map((l) => `"${l}"`).join(" and ");
    report(
      pointer,
      `${letters} ${repeated.length === 1 ? "appears" : "appear"} more than once in ${quote(flags)}; give each flag once`,
    );
  }
  if (flags.includes("C") && !allowCredentials) {
    report(
      pointer,
      `"C" (credentials) lets any foreign setuid binary run with raised privileges through QEMU, ` +
        `which is easy to exploit; remove "C", or set allowCredentials: true to accept that risk`,
    );
  }
}

function checkUrl(value: unknown, pointer: string, report: Report): void {
  if (typeof value !== "string" || !/^https?:\/\//.test(value)) return;
  try {
    const url = new URL(value);
    if (url.hostname === "")
      report(pointer, `expected a URL with a host name, found ${quote(value)}`);
  } catch {
    report(
      pointer,
      `expected an http:// or https:// URL, found ${quote(value)}, which is not a valid URL`,
    );
  }
}

// Fedora pins: an [epoch:]version-release, SHA-256s in hex, and a key that is a path or an armored key.
function checkFedoraSource(source: Record<string, unknown>, report: Report): void {
  const version = source.version;
  if (
    typeof version === "string" &&
    !/^(?:\d+:)?[A-Za-z0-9._+~^]+-[A-Za-z0-9._+~^]+$/.test(version)
  ) {
    report(
      "/source/version",
      `expected an RPM [epoch:]version-release such as "9.1.2-3.fc41", found ${quote(version)}`,
    );
  }
  const pins = source.sha256;
  if (isRecord(pins)) {
    for (const [name, value] of Object.entries(pins)) {
      const pointer = joinPointer(["source", "sha256", name]);
      if (!/^[A-Za-z0-9][A-Za-z0-9._+~^-]*$/.test(name))
        report(pointer, `${quote(name)} is not a package or .rpm file name`);
      if (typeof value === "string" && !/^[0-9A-Fa-f]{64}$/.test(value))
        report(pointer, `expected a SHA-256 of 64 hex digits, found ${quote(value)}`);
    }
  }
  const key = source.key;
  if (
    typeof key === "string" &&
    /[\n\r\0]/.test(key) &&
    !key.includes("-----BEGIN PGP PUBLIC KEY BLOCK-----")
  ) {
    report(
      "/source/key",
      "expected a key file path, or an armored key starting with -----BEGIN PGP PUBLIC KEY BLOCK-----",
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
