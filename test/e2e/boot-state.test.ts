// Boot state that converges: with persist and prune, entries qus pruned must not come back from a
// distribution's binfmt.d files at the next boot, and a disabled target must not be re-planned
// after one. A boot is simulated in the sandbox: its binfmt.d directories are private tmpfs
// mounts (the host's are never written), its private binfmt_misc is emptied, and the files are
// replayed the way systemd-binfmt does (one file per basename, /etc first, lines in order).
import { readdir, readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseConfig, openHarness, type Harness } from "./harness.js";

let h: Harness;
const HOST_DIRS = ["/etc/binfmt.d", "/usr/lib/binfmt.d"];
let hostBefore: string[][];
let hostMountsBefore: string;

/** What systemd-binfmt does at boot, in the sandbox: flush, then register every effective line. */
const REPLAY_BOOT = `
for entry in /proc/sys/fs/binfmt_misc/*; do
  case "$entry" in */register|*/status) ;; *) echo -1 > "$entry" ;; esac
done
for name in $(ls /etc/binfmt.d /run/binfmt.d /usr/lib/binfmt.d 2>/dev/null | grep '\\.conf$' | sort -u); do
  for dir in /etc/binfmt.d /run/binfmt.d /usr/lib/binfmt.d; do
    if [ -f "$dir/$name" ]; then
      while IFS= read -r line; do
        case "$line" in ''|'#'*|';'*) ;; *) printf '%s' "$line" > /proc/sys/fs/binfmt_misc/register || true ;; esac
      done < "$dir/$name"
      break
    fi
  done
done`;

async function entries(): Promise<string[]> {
  return (await h.sh("ls /proc/sys/fs/binfmt_misc")).stdout
    .split("\n")
    .filter((name) => name !== "" && name !== "register" && name !== "status")
    .sort();
}

beforeAll(async () => {
  hostBefore = await Promise.all(HOST_DIRS.map((dir) => readdir(dir).catch(() => [])));
  hostMountsBefore = await readFile("/proc/self/mountinfo", "utf8");
  h = await openHarness();
  const setup = await h.sh(
    [
      "mount -t tmpfs -o mode=0755 qus-etc /etc/binfmt.d",
      "mount -t tmpfs -o mode=0755 qus-usr /usr/lib/binfmt.d",
      "mount -t tmpfs -o mode=0755 qus-run /run",
      "mkdir /run/binfmt.d",
      // A distribution's files: one per entry (Debian's naming) and one holding two entries.
      `printf '%s\\n' ':qemu-riscv64:M::QUSDISTRO1::/bin/true:F' > /usr/lib/binfmt.d/qemu-riscv64.conf`,
      `printf '%s\\n' '# distro' ':qemu-arm:M::QUSDISTRO2::/bin/true:' ':python-distro:M::QUSPY1::/bin/true:' > /run/binfmt.d/distro-extra.conf`,
      `printf '%s\\n' ':python3-test:M::QUSPY2::/bin/true:' > /usr/lib/binfmt.d/python3.conf`,
    ].join(" && "),
  );
  expect(setup.stderr).toBe("");
  expect(setup.code).toBe(0);
});

afterAll(async () => {
  await h?.close();
  // The host's binfmt.d directories and mount table are as they were.
  expect(await Promise.all(HOST_DIRS.map((dir) => readdir(dir).catch(() => [])))).toEqual(
    hostBefore,
  );
  expect(await readFile("/proc/self/mountinfo", "utf8")).toBe(hostMountsBefore);
});

describe("after a boot, a plan of an unchanged config says No changes", () => {
  it("pruned distro entries stay gone and a disabled target stays disabled", async () => {
    expect((await h.sh(REPLAY_BOOT)).code).toBe(0);
    expect(await entries()).toEqual(["python-distro", "python3-test", "qemu-arm", "qemu-riscv64"]);

    await h.writeConfig(
      baseConfig(h.dir, {
        targets: ["aarch64", { name: "riscv64", enabled: false }],
        prune: true,
        persist: true,
      }),
    );
    const plan = await h.qus("plan");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(
      'binfmt.d file "/etc/binfmt.d/distro-extra.conf" will be written',
    );
    const apply = await h.qus("apply", "--auto-approve");
    expect(apply.stderr).not.toMatch(/Error|Warning/);
    expect(apply.code).toBe(0);
    // The mask keeps the distribution's line for the entry qus does not manage.
    const mask = (await h.sh("cat /etc/binfmt.d/distro-extra.conf")).stdout;
    expect(mask).toContain("# Managed by qus");
    expect(mask).toContain(":python-distro:M::QUSPY1::/bin/true:");
    expect(mask).not.toContain(":qemu-arm:");
    expect((await h.qus("plan")).stdout).toContain("No changes.");

    for (let boot = 1; boot <= 2; boot++) {
      expect((await h.sh(REPLAY_BOOT)).code).toBe(0);
      expect(await entries()).toEqual(["python-distro", "python3-test", "qemu-aarch64"]);
      const again = await h.qus("plan", "--detailed-exitcode");
      expect(again.stdout).toContain("No changes.");
      expect(again.stdout).toContain(
        "qemu-riscv64 is disabled and, as after a reboot, not registered",
      );
      expect(again.code).toBe(0);
    }
    // The distribution's own files were never touched.
    expect(
      (await h.sh("cat /usr/lib/binfmt.d/qemu-riscv64.conf /run/binfmt.d/distro-extra.conf"))
        .stdout,
    ).toContain(":qemu-arm:M::QUSDISTRO2::/bin/true:");
  });
});
