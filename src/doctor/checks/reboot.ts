// What a reboot will do: which service registers entries at boot (systemd-binfmt reads binfmt.d
// files, binfmt-support reads /usr/share/binfmts), whether qus's entries come back, and which
// other packages' files register the same names at boot.
import { ok, warning, type Finding } from "../finding.js";
import type { HostProbe } from "../probe.js";

/** binfmt.d directories in systemd's precedence order: a file name in an earlier one masks later ones. */
export const BINFMT_D_DIRS = [
  "/etc/binfmt.d",
  "/run/binfmt.d",
  "/usr/local/lib/binfmt.d",
  "/usr/lib/binfmt.d",
  "/lib/binfmt.d",
] as const;
const SYSTEMD_BINFMT = ["/usr/lib/systemd/systemd-binfmt", "/lib/systemd/systemd-binfmt"];
const UPDATE_BINFMTS = ["/usr/sbin/update-binfmts", "/sbin/update-binfmts"];
const BINFMTS_DIR = "/usr/share/binfmts";

/** One registration a boot service will make, and the file it comes from. */
export interface BootRegistration {
  readonly name: string;
  readonly file: string;
  readonly service: "systemd-binfmt" | "binfmt-support";
}

/** What the boot services will register. */
export interface BootFacts {
  readonly systemdBinfmt: boolean;
  readonly binfmtSupport: boolean;
  readonly registrations: readonly BootRegistration[];
}

/** Reads which services exist and what their files register (masked binfmt.d files left out). */
export async function readBootFacts(probe: HostProbe): Promise<BootFacts> {
  const anyExists = async (paths: readonly string[]) =>
    (await Promise.all(paths.map((p) => probe.exists(p)))).some(Boolean);
  const registrations: BootRegistration[] = [];
  const seen = new Set<string>();
  for (const dir of BINFMT_D_DIRS) {
    for (const file of ((await probe.list(dir)) ?? []).filter((n) => n.endsWith(".conf"))) {
      if (seen.has(file)) continue;
      seen.add(file);
      const text = await probe.readText(`${dir}/${file}`);
      for (const name of binfmtDNames(text ?? ""))
        registrations.push({ name, file: `${dir}/${file}`, service: "systemd-binfmt" });
    }
  }
  for (const name of (await probe.list(BINFMTS_DIR)) ?? [])
    registrations.push({ name, file: `${BINFMTS_DIR}/${name}`, service: "binfmt-support" });
  return {
    systemdBinfmt: await anyExists(SYSTEMD_BINFMT),
    binfmtSupport: await anyExists(UPDATE_BINFMTS),
    registrations,
  };
}

/** The entry names a binfmt.d file registers (each line `:name:...`; `#` and `;` start comments). */
export function binfmtDNames(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 1 && !line.startsWith("#") && !line.startsWith(";"))
    .map((line) => line.slice(1).split(line[0] as string)[0] ?? "")
    .filter((name) => name !== "");
}

/** What qus owns or wants, to compare with what boots will register. */
export interface QusNames {
  /** Entries the state file records as qus's. */
  readonly owned: ReadonlySet<string>;
  /** binfmt.d files the state file records as written by qus. */
  readonly ownFiles: ReadonlySet<string>;
  /** Entries the config would register (empty without a config). */
  readonly wanted: ReadonlySet<string>;
}

/** The findings about the next boot. */
export function checkReboot(boot: BootFacts, qus: QusNames): Finding[] {
  const subject = "reboot";
  const findings: Finding[] = [];
  const services = [
    ...(boot.systemdBinfmt ? ["systemd-binfmt (binfmt.d files)"] : []),
    ...(boot.binfmtSupport ? ["binfmt-support (/usr/share/binfmts)"] : []),
  ];
  if (services.length === 0) {
    findings.push(
      qus.owned.size === 0
        ? ok(
            "reboot.service",
            subject,
            "no boot service registers entries (systemd-binfmt or binfmt-support)",
          )
        : warning(
            "reboot.service",
            subject,
            "no boot service registers entries (systemd-binfmt or binfmt-support): qus's entries are gone after a reboot",
            "run qus apply --auto-approve at boot (a systemd unit, cloud-init bootcmd)",
          ),
    );
  } else {
    findings.push(
      ok(
        "reboot.service",
        subject,
        `at boot ${services.join(" and ")} ${services.length === 1 ? "registers" : "register"} entries${boot.systemdBinfmt ? "; systemd-binfmt first removes every entry" : ""}`,
      ),
    );
  }
  const atBoot = new Set(boot.registrations.map((r) => r.name));
  for (const name of [...qus.owned].sort()) {
    if (!atBoot.has(name) && services.length > 0) {
      findings.push(
        warning(
          "reboot.not-persisted",
          `entry ${name}`,
          "owned by qus but no boot file registers it: it is gone after a reboot",
          "set persist: true in the config, then qus apply (it writes a binfmt.d file)",
        ),
      );
    }
  }
  const ours = new Set([...qus.owned, ...qus.wanted]);
  for (const registration of boot.registrations) {
    if (!ours.has(registration.name) || qus.ownFiles.has(registration.file)) continue;
    findings.push(
      warning(
        "reboot.conflict",
        `entry ${registration.name}`,
        `at boot ${registration.service} registers ${registration.name} from ${registration.file}, another package's file, instead of qus's`,
        registration.service === "systemd-binfmt"
          ? `mask it: ln -s /dev/null /etc/binfmt.d/${registration.file.split("/").at(-1)}`
          : `update-binfmts --disable ${registration.name}`,
      ),
    );
  }
  return findings;
}
