// What a persistence file says: one binfmt.d file per owned entry, named `<entry>.conf` so that
// it masks a distro's same-named file in /usr/lib/binfmt.d (systemd: /etc wins by basename).
// Pure: the register line is the same one apply writes to the kernel.
import { encodeRegisterLine } from "../kernel/register-line.js";
import type { DesiredBinfmtdFile, DesiredRegistration } from "./types.js";

/** First line of every file qus writes: how a reader (and qus) recognises them. */
export const BINFMTD_HEADER =
  "# Managed by qus: `qus apply` rewrites this file and removes it when the target leaves the configuration.";

/** The binfmt.d file's path for an entry. */
export function binfmtdPath(binfmtDDir: string, entry: string): string {
  return `${binfmtDDir.replace(/\/+$/, "")}/${entry}.conf`;
}

/**
 * The file systemd-binfmt reads at boot. A disabled target gets a file without a register line:
 * it still masks the distro's file of the same name, so the target stays unregistered after a reboot.
 */
export function binfmtdFileFor(
  binfmtDDir: string,
  registration: DesiredRegistration,
): DesiredBinfmtdFile {
  const lines = [BINFMTD_HEADER];
  if (registration.enabled) {
    lines.push(
      encodeRegisterLine({
        name: registration.name,
        offset: registration.offset,
        magic: registration.magic,
        mask: registration.mask,
        interpreter: registration.interpreter,
        flags: registration.flags,
      }),
    );
  } else {
    lines.push(
      `# ${registration.name} is disabled in the configuration: this file only masks a distro file of the same name.`,
    );
  }
  return {
    path: binfmtdPath(binfmtDDir, registration.name),
    entry: registration.name,
    content: `${lines.join("\n")}\n`,
  };
}
