// The upstream QEMU version behind a package version or an emulator binary. Pure: parsing only;
// reading an emulator file is in `emulator-version.ts`.
//
// A Debian or RPM package version is `[epoch:]upstream[-revision]`; the upstream part may carry a
// repack suffix (`+dfsg`, `+ds`) and a pre-release (`~rc1`). What the package version cannot tell:
// Debian's bookworm package `1:7.2+dfsg-7+deb12u18` is upstream 7.2 with the 7.2.x stable
// patches applied in Debian's revision, so its emulators say 7.2.22. Only the emulator itself
// knows its patch level: a static QEMU carries `qemu-<t> version X.Y.Z (<package version>)` in its
// read-only data (the text `-version` prints), which `parseEmulatorVersionText` reads.

/** An upstream QEMU version: as written, and as a semver string ranges are checked against. */
export interface UpstreamVersion {
  /** What the package or binary says, e.g. "7.2" or "10.0.13". */
  readonly text: string;
  /** Three-part semver, e.g. "7.2.0" or "9.2.0-rc.1"; missing parts are 0. */
  readonly semver: string;
  /** False when the patch level was not written (a Debian "7.2" package may hold 7.2.22). */
  readonly patchKnown: boolean;
}

const UPSTREAM_PREFIX = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:~(?:rc|RC)(\d+))?/;

// Why: ranges are written on QEMU's own version, while sources list package versions.
/** The upstream QEMU version of a Debian or RPM package version, or undefined when none. */
export function upstreamOfPackageVersion(packageVersion: string): UpstreamVersion | undefined {
  const withoutEpoch = packageVersion.replace(/^\d+:/, "");
  const hyphen = withoutEpoch.lastIndexOf("-");
  const upstream = hyphen >= 0 ? withoutEpoch.slice(0, hyphen) : withoutEpoch;
  const match = UPSTREAM_PREFIX.exec(upstream);
  if (match === null) return undefined;
  const [, major, minor, patch, rc] = match;
  const text = [major, minor, patch].filter((part) => part !== undefined).join(".");
  const core = `${Number(major)}.${Number(minor ?? 0)}.${Number(patch ?? 0)}`;
  return {
    text: rc === undefined ? text : `${text}~rc${rc}`,
    semver: rc === undefined ? core : `${core}-rc.${Number(rc)}`,
    patchKnown: patch !== undefined,
  };
}

/** What an emulator binary says about itself. */
export interface EmulatorVersion {
  /** The program name QEMU was built as, e.g. "qemu-aarch64". */
  readonly program: string;
  readonly upstream: UpstreamVersion;
  /** The packager's note in parentheses, e.g. "Debian 1:7.2+dfsg-7+deb12u18+b3", if any. */
  readonly packageNote?: string;
}

/**
 * The version text QEMU's linux-user `-version` prints, as it is stored in the binary:
 * `qemu-<target> version <X.Y.Z>[ (<pkgversion>)]`, followed by a NUL or newline.
 */
export const EMULATOR_VERSION_PATTERN =
  /qemu-([a-z0-9_]+) version (\d+\.\d+\.\d+)(?: \(([\x20-\x7e]{1,200}?)\))?(?=[\n\0]|$)/;

// Why: the plan reports the QEMU version an installed emulator really is, without running it.
/** Finds the version text in (part of) an emulator's bytes decoded as latin1, or undefined. */
export function parseEmulatorVersionText(text: string): EmulatorVersion | undefined {
  const match = EMULATOR_VERSION_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, target, version, note] = match;
  const [major, minor, patch] = (version as string).split(".").map(Number);
  const upstream: UpstreamVersion = {
    text: version as string,
    semver: `${major}.${minor}.${patch}`,
    patchKnown: true,
  };
  return note === undefined
    ? { program: `qemu-${target}`, upstream }
    : { program: `qemu-${target}`, upstream, packageNote: note };
}
