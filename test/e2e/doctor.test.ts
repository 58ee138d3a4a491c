// `qus doctor` through the built CLI for each condition this machine can make, in a private
// binfmt_misc instance (root there) or as an unprivileged user on the host: each gives its
// finding and exit status, and doctor changes nothing (mount table, entries, files, sysctls).
import { readFileSync } from "node:fs";
import { chmod, copyFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterEach, describe, expect, it } from "vitest";
import type { Finding } from "../../src/doctor/finding.js";
import type { DoctorDocument } from "../../src/views/doctor.js";
import { cliPath, emulatorPath } from "../helpers/fixtures.js";
import { runAsNobody } from "../helpers/as-nobody.js";
import { releaseDir } from "../release/artifacts.js";
import { baseConfig, type Harness, openHarness } from "./harness.js";

const validateDoctor = new Ajv2020({ strict: true }).compile(
  JSON.parse(
    readFileSync(new URL("../../schemas/qus.doctor.schema.json", import.meta.url), "utf8"),
  ) as object,
);

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Everything doctor must leave as it was, seen from inside the sandbox. */
async function snapshot(harness: Harness): Promise<string> {
  const seen = await harness.sh(
    [
      "cat /proc/self/mountinfo",
      "cat /proc/sys/user/max_user_namespaces",
      'for f in /proc/sys/fs/binfmt_misc/*; do echo "== $f"; cat "$f"; done',
      `find ${harness.dir} -printf '%p %s %T@ %m\\n' | sort`,
    ].join("; "),
  );
  expect(seen.code).toBe(0);
  return seen.stdout;
}

async function hostSnapshot(): Promise<string> {
  return (
    (await readFile("/proc/self/mountinfo", "utf8")) +
    (await readFile("/proc/sys/user/max_user_namespaces", "utf8"))
  );
}

/** Runs doctor --json (and the text view) inside, checking that nothing changed. */
async function doctor(
  harness: Harness,
): Promise<{ code: number; doc: DoctorDocument; text: string }> {
  const [before, hostBefore] = [await snapshot(harness), await hostSnapshot()];
  const json = await harness.qus("doctor", "--json");
  const text = await harness.qus("doctor");
  expect(await snapshot(harness)).toBe(before);
  expect(await hostSnapshot()).toBe(hostBefore);
  expect(json.stderr).toBe("");
  expect(text.code).toBe(json.code);
  const doc = JSON.parse(json.stdout) as DoctorDocument;
  expect(validateDoctor(doc), JSON.stringify(validateDoctor.errors)).toBe(true);
  return { code: json.code, doc, text: text.stdout };
}

const find = (doc: DoctorDocument, id: string): Finding | undefined =>
  doc.findings.find((f) => f.id === id);

describe("qus doctor, end to end", () => {
  it("root with a private instance: proves it, lists qus's entry with the bookworm emulator's openat2 issue, exit 0", async () => {
    h = await openHarness();
    await h.writeConfig(baseConfig(h.dir, { targets: ["aarch64"] }));
    expect((await h.qus("apply", "--auto-approve")).code).toBe(0);
    const { code, doc, text } = await doctor(h);
    expect(find(doc, "kernel.private-instance")?.severity).toBe("ok");
    expect(find(doc, "binfmt.mounted")?.severity).toBe("ok");
    expect(find(doc, "privilege.apply")?.severity).toBe("ok");
    expect(find(doc, "privilege.run")?.severity).toBe("ok");
    expect(find(doc, "entry.known-issue.openat2-missing")).toMatchObject({
      severity: "warning",
      subject: "entry qemu-aarch64",
    });
    expect(find(doc, "entry.known-issue.openat2-missing")?.message).toMatch(
      /^QEMU 7\.2\.22: openat2/,
    );
    expect(find(doc, "config.valid")?.severity).toBe("ok");
    expect(find(doc, "plan.no-changes")?.message).toBe("binfmt_misc matches the config");
    expect(doc.ok).toBe(true);
    expect(code).toBe(0);
    expect(text).toContain("! entry qemu-aarch64: QEMU 7.2.22: openat2 (syscall 437) is missing");
    expect(text).toMatch(/\n\d+ ok, \d+ warnings?, 0 errors: nothing fails today/);
  });

  it("a missing interpreter is an error (exit 1); a dynamic interpreter without F a warning", async () => {
    h = await openHarness();
    const register = (line: string) =>
      h!.sh(`printf %s '${line}' > /proc/sys/fs/binfmt_misc/register`);
    expect(
      (await register(":qus-missing:M::\\x51\\x55\\x53\\x4d::/nonexistent/qemu-missing:")).code,
    ).toBe(0);
    expect((await register(":qus-dynamic:M::\\x51\\x55\\x53\\x44::/bin/true:")).code).toBe(0);
    expect(
      (await register(`:qus-static:M::\\x51\\x55\\x53\\x53::${emulatorPath("riscv64")}:F`)).code,
    ).toBe(0);
    // Interpreters doctor must not hang on: a FIFO (open blocks) and a device that never ends.
    expect((await h.sh(`mkfifo ${h.dir}/fifo`)).code).toBe(0);
    expect((await register(`:qus-fifo:M::\\x51\\x55\\x53\\x46::${h.dir}/fifo:`)).code).toBe(0);
    expect((await register(":qus-zero:M::\\x51\\x55\\x53\\x5a::/dev/zero:")).code).toBe(0);
    const { code, doc, text } = await doctor(h);
    for (const name of ["qus-fifo", "qus-zero"])
      expect(doc.findings.find((f) => f.subject === `entry ${name}`)?.id).toBe("entry.ok");
    expect(find(doc, "entry.missing-interpreter")).toMatchObject({
      severity: "error",
      subject: "entry qus-missing",
      fix: "reinstall what provides /nonexistent/qemu-missing, or remove the entry: echo -1 > /proc/sys/fs/binfmt_misc/qus-missing",
    });
    expect(find(doc, "entry.dynamic-without-f")).toMatchObject({
      severity: "warning",
      subject: "entry qus-dynamic",
    });
    expect(doc.findings.filter((f) => f.subject === "entry qus-static").map((f) => f.id)).toEqual([
      "entry.known-issue.openat2-missing",
    ]);
    expect(find(doc, "config.none")?.severity).toBe("ok");
    expect(doc.ok).toBe(false);
    expect(code).toBe(1);
    expect(text).toContain(
      "✘ entry qus-missing: its interpreter /nonexistent/qemu-missing does not exist",
    );
    expect(text).toContain("1 error: something qus needs fails here today (exit 1).");
  });

  it("binfmt_misc not mounted: as root, apply mounts it; doctor does not", async () => {
    h = await openHarness({ mount: false });
    const { code, doc } = await doctor(h);
    expect(find(doc, "binfmt.unmounted")).toMatchObject({
      severity: "warning",
      message: "binfmt_misc is not mounted: nothing is emulated until it is; qus apply mounts it",
    });
    expect(doc.findings.some((f) => f.id.startsWith("entry."))).toBe(false);
    expect(code).toBe(doc.ok ? 0 : 1);
  });

  it("user namespaces disabled: doctor names user.max_user_namespaces, and qus run fails with the same words", async () => {
    h = await openHarness();
    // Inside the sandbox's user namespace only: nested namespaces are refused there, nowhere else.
    expect((await h.sh("echo 0 > /proc/sys/user/max_user_namespaces")).code).toBe(0);
    const { doc } = await doctor(h);
    const blocked = find(doc, "userns.max_user_namespaces");
    expect(blocked).toMatchObject({ severity: "warning", subject: "qus run" });
    expect(find(doc, "kernel.private-instance")).toBeUndefined();

    await h.writeConfig(baseConfig(h.dir, { targets: ["aarch64"] }));
    const run = await h.qus("run", "--", "true");
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `Error: ${blocked?.message}\n  ${blocked?.fix}\n  qus doctor explains what this host allows and how to fix it\n`,
    );
  });
});

describe("user namespaces used up", () => {
  it(
    "the limit reached (not 0): doctor quotes unshare, qus run says the namespace was refused",
    async () => {
      h = await openHarness();
      // One namespace allowed inside the sandbox, and held by a sleeper: the next one is refused.
      expect((await h.sh("echo 1 > /proc/sys/user/max_user_namespaces")).code).toBe(0);
      const sleeper = await h.sh("unshare --user sleep 60 >/dev/null 2>&1 & echo $!");
      try {
        const { doc, code } = await doctor(h);
        expect(find(doc, "userns.refused")).toMatchObject({
          severity: "warning",
          subject: "qus run",
        });
        expect(find(doc, "userns.refused")?.message).toContain("No space left on device");
        expect(code).toBe(doc.ok ? 0 : 1);

        await h.writeConfig(baseConfig(h.dir, { targets: ["aarch64"] }));
        const run = await h.qus("run", "--", "true");
        expect(run.code).toBe(1);
        expect(run.stderr).toContain("unshare: unshare failed: No space left on device\n");
        expect(run.stderr).toContain(
          "Error: qus run could not create a user namespace (unshare's own message is above)\n" +
            "  if unshare said No space left on device, user.max_user_namespaces is reached",
        );
        expect(run.stderr).toContain(
          "  qus doctor explains what this host allows and how to fix it\n",
        );
        // The executable hands its process to the namespace's scripts: they print the same words.
        const exe = join(await releaseDir(), "qus-linux-x64");
        const handedOver = await h.sandbox.run(exe, ["run", "--", "true"], {
          cwd: h.dir,
          env: { NO_COLOR: "1" },
        });
        expect({ code: handedOver.code, stderr: handedOver.stderr }).toEqual({
          code: 1,
          stderr: run.stderr,
        });
      } finally {
        await h.sh(`kill ${sleeper.stdout.trim()}`);
      }
    },
    30 * 60_000, // the executable's part may wait for the release build
  );
});

describe("qus doctor and qus apply as an unprivileged user", () => {
  /** Runs a copy of the built CLI as uid 65534 (via setpriv when the tests run as root). */
  async function asUser(
    args: readonly string[],
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const dir = await mkdtemp(join(tmpdir(), "qus-doctor-user-"));
    await cp(dirname(cliPath()), join(dir, "qus"), { recursive: true });
    await writeFile(
      join(dir, "qus.config.json"),
      `${JSON.stringify({ targets: ["aarch64"], source: { type: "local", path: "./emulators" } })}\n`,
    );
    await mkdir(join(dir, "emulators"));
    await copyFile(emulatorPath("aarch64"), join(dir, "emulators", "qemu-aarch64-static"));
    for (const path of [dir, join(dir, "emulators"), join(dir, "emulators", "qemu-aarch64-static")])
      await chmod(path, 0o755);
    await chmod(join(dir, "qus.config.json"), 0o644);
    const argv = [process.execPath, join(dir, "qus", basename(cliPath())), ...args];
    try {
      const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, NO_COLOR: "1" };
      const { code, stdout, stderr } = await runAsNobody(argv, { cwd: dir, env });
      return { code, stdout, stderr };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it("doctor: apply needs root, qus run works (proved), the host unchanged", async () => {
    const before = await hostSnapshot();
    const result = await asUser(["doctor", "--json"]);
    expect(await hostSnapshot()).toBe(before);
    const doc = JSON.parse(result.stdout) as DoctorDocument;
    expect(find(doc, "privilege.apply")).toMatchObject({
      severity: "warning",
      fix: "run it as root (sudo qus apply), or use qus run -- CMD: the rootless way, which needs no privilege",
    });
    expect(find(doc, "privilege.run")?.severity).toBe("ok");
    expect(find(doc, "config.valid")?.severity).toBe("ok");
    // Nothing of this config is registered on the host: the plan adds at least the registration.
    expect(find(doc, "plan.changes")?.message).toMatch(/qus plan shows [1-9]\d* to add/);
    expect(result.code).toBe(doc.ok ? 0 : 1);
  });

  it("apply says it changes the kernel and needs root, points to qus run and qus doctor", async () => {
    const before = await hostSnapshot();
    const result = await asUser(["apply", "--auto-approve"]);
    expect(await hostSnapshot()).toBe(before);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "Error: qus apply changes the kernel's binfmt_misc and the files it registers, which needs root\n" +
        "  run it as root (sudo qus apply), or use qus run -- CMD: the rootless way, which needs no privilege\n" +
        "  qus doctor explains what this host allows and how to fix it\n",
    );
  });
});
