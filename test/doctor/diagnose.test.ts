// doctor on recorded hosts this machine cannot become: each condition gives its finding, its
// severity and its fix, and doctor never touches what it must not (an automount, the kernel).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CommandIO } from "../../src/cli/io.js";
import { diagnose } from "../../src/doctor/doctor.js";
import { exitCodeFor, type Finding } from "../../src/doctor/finding.js";
import {
  automountHost,
  debian11Root,
  debian11User,
  debianHost,
  dockerContainer,
  selinuxHost,
  ubuntuRestrictedUser,
  withFiles,
  wslHost,
  X86_64_EXE,
} from "./hosts.js";
import { type Recording, recordedProbe } from "./recorded-probe.js";

let cwd: string;
beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), "qus-doctor-"));
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

function io(): CommandIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: {}, cwd };
}

async function run(recording: Recording) {
  const probe = recordedProbe(recording);
  const findings = await diagnose(probe, io(), undefined);
  const byId = (id: string): Finding | undefined => findings.find((f) => f.id === id);
  return { probe, findings, byId, code: exitCodeFor(findings) };
}

describe("qus doctor on recorded hosts", () => {
  it("a healthy Debian 13 host: all ok but for nothing, exit 0", async () => {
    const { findings, code, byId } = await run(debianHost());
    expect(code).toBe(0);
    expect(byId("kernel.version")?.message).toContain("Linux 6.12.57+deb13-amd64");
    expect(byId("kernel.private-instance")?.severity).toBe("ok");
    expect(byId("binfmt.mounted")?.severity).toBe("ok");
    expect(byId("entry.ok")).toMatchObject({
      subject: "entry qemu-aarch64",
      message:
        "enabled, static /usr/libexec/qemu-binfmt/aarch64-binfmt-P (QEMU 10.0.13), flags POCF, registered by another tool",
    });
    expect(findings.filter((f) => f.severity !== "ok")).toEqual([]);
  });

  it("systemd's automount: says qus triggers it, never lists the directory, tries the namespace elsewhere", async () => {
    const { probe, byId, code } = await run(automountHost());
    expect(byId("binfmt.automount")).toMatchObject({ severity: "ok" });
    expect(byId("binfmt.automount")?.message).toContain("qus status, plan and apply trigger it");
    expect(probe.asked.filter((p) => p.startsWith("/proc/sys/fs/binfmt_misc"))).toEqual([]);
    expect(probe.trials).toEqual(["/tmp"]);
    expect(code).toBe(0);
  });

  it("WSL: warns that entries are flushed, and leaves WSLInterop's own entry as another tool's", async () => {
    const { byId, findings } = await run(wslHost());
    expect(byId("environment.wsl")).toMatchObject({
      severity: "warning",
      fix: 'apply at each start: [boot] command = "qus apply --auto-approve" in /etc/wsl.conf',
    });
    expect(findings.find((f) => f.subject === "entry WSLInterop")?.message).toContain(
      "registered by another tool",
    );
  });

  it("SELinux enforcing: the Fedora caveat with its workaround", async () => {
    const { byId } = await run(selinuxHost());
    expect(byId("environment.selinux")?.fix).toContain("--security-opt label=disable");
  });

  it("Ubuntu's AppArmor restriction blocks qus run for a user: error naming the setting, no experiment", async () => {
    const { probe, byId, code } = await run(ubuntuRestrictedUser());
    expect(byId("userns.apparmor_restrict_unprivileged_userns")).toMatchObject({
      severity: "error",
      subject: "qus run",
      message:
        "User namespaces are disabled here: kernel.apparmor_restrict_unprivileged_userns is 1, so qus run cannot create its private binfmt_misc",
    });
    expect(probe.trials).toEqual([]);
    expect(byId("privilege.apply")?.fix).toContain("qus run -- CMD: the rootless way");
    expect(code).toBe(1);
  });

  it("Debian 11 as a user: unprivileged_userns_clone=0 named, and the old kernel said", async () => {
    const { byId, code } = await run(debian11User());
    expect(byId("userns.unprivileged_userns_clone")).toMatchObject({
      severity: "error",
      fix: "as root: sysctl -w kernel.unprivileged_userns_clone=1, and the same line in /etc/sysctl.d/ to keep it",
    });
    expect(byId("kernel.version")).toMatchObject({ severity: "warning" });
    expect(byId("kernel.version")?.message).toContain("Linux 5.10.0-35-amd64: before 6.7");
    expect(code).toBe(1);
  });

  it("Debian 11 as root: the setting does not block root; the experiment shows no private instance", async () => {
    const { byId, code } = await run(debian11Root());
    expect(byId("userns.unprivileged_userns_clone")).toBeUndefined();
    expect(byId("kernel.private-instance")?.message).toContain(
      "Linux 5.10.0-35-amd64 could not mount a private binfmt_misc",
    );
    expect(byId("privilege.run")).toMatchObject({
      severity: "warning",
      fix: "boot Linux 6.7 or later for qus run; qus apply as root works on this kernel",
    });
    expect(code).toBe(0);
  });

  it("max_user_namespaces=0 blocks even root (a warning there: apply still works)", async () => {
    const host = withFiles(debianHost(), { "/proc/sys/user/max_user_namespaces": "0\n" });
    const { byId, probe } = await run(host);
    expect(byId("userns.max_user_namespaces")).toMatchObject({ severity: "warning" });
    expect(probe.trials).toEqual([]);
  });

  it("a Docker container without CAP_SYS_ADMIN: cannot mount, with both docker options, exit 1", async () => {
    const { byId, code, findings } = await run(dockerContainer());
    expect(byId("binfmt.cannot-mount")).toMatchObject({ severity: "error" });
    expect(byId("binfmt.cannot-mount")?.fix).toContain("--cap-add SYS_ADMIN");
    expect(byId("binfmt.cannot-mount")?.fix).toContain("--privileged");
    expect(byId("environment.container")?.message).toContain("docker");
    // The container's own boot files never run at the host's boot: no reboot findings from them.
    expect(findings.some((f) => f.id.startsWith("reboot."))).toBe(false);
    expect(code).toBe(1);
  });

  it("a kernel without binfmt_misc at all is an error", async () => {
    const host = withFiles(debianHost(), { "/proc/filesystems": "nodev\tproc\n\text4\n" });
    const { byId, code } = await run(host);
    expect(byId("kernel.no-binfmt-misc")?.severity).toBe("error");
    expect(code).toBe(1);
  });

  it("an entry matching the host's own programs is an error naming how to remove it", async () => {
    const host = withFiles(debianHost(), {
      "/proc/sys/fs/binfmt_misc/qemu-x86_64":
        "enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: F\noffset 0\n" +
        "magic 7f454c4602010100000000000000000002003e00\nmask fffffffffffefe00fffffffffffffffffeffffff\n",
    });
    const { findings, code } = await run(host);
    expect(findings.find((f) => f.id === "entry.matches-host")).toMatchObject({
      subject: "entry qemu-x86_64",
      fix: "remove it: echo -1 > /proc/sys/fs/binfmt_misc/qemu-x86_64",
    });
    expect(code).toBe(1);
  });

  it("binfmt_misc disabled as a whole is an error", async () => {
    const host = withFiles(debianHost(), { "/proc/sys/fs/binfmt_misc/status": "disabled\n" });
    expect((await run(host)).byId("binfmt.disabled")?.severity).toBe("error");
  });

  it("a qus entry that no boot file registers, and another package's file for a name qus owns", async () => {
    const state = {
      version: 1,
      emulators: {},
      registrations: {
        "qemu-aarch64": { sha256: "a".repeat(64), interpreter: "/usr/local/lib/qus/qemu-aarch64" },
        "qemu-riscv64": { sha256: "b".repeat(64), interpreter: "/usr/local/lib/qus/qemu-riscv64" },
      },
      binfmtd: {},
    };
    const host = withFiles(debianHost(), {
      "/var/lib/qus/state.json": JSON.stringify(state),
      "/proc/sys/fs/binfmt_misc/qemu-riscv64":
        "enabled\ninterpreter /usr/local/lib/qus/qemu-riscv64\nflags: F\noffset 0\nmagic 7f454c460201010000000000000000000200f300\n",
      "/usr/local/lib/qus/qemu-riscv64": X86_64_EXE,
    });
    const { findings } = await run(host);
    expect(findings.find((f) => f.id === "reboot.not-persisted")?.subject).toBe(
      "entry qemu-riscv64",
    );
    expect(findings.find((f) => f.id === "reboot.conflict")).toMatchObject({
      subject: "entry qemu-aarch64",
      fix: "mask it: ln -s /dev/null /etc/binfmt.d/qemu-aarch64.conf",
    });
  });
});
