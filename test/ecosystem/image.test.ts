// The container image, built and run for real with rootless podman: an unprivileged user runs
// `npm run image`'s script, then the image with --cap-add SYS_ADMIN: inside the container's own
// binfmt_misc the default command applies the mounted config (with --verify), the arm64 busybox
// runs, `destroy` undoes it, and the machine's binfmt_misc is untouched.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  emulatorPath,
  foreignBusybox,
  projectRoot,
  requireBuilt,
  requireFixtures,
} from "../helpers/fixtures.js";
import {
  type PodmanUser,
  podmanUser,
  runAs,
  stopPause,
  userProcesses,
} from "../helpers/rootless-podman.js";
import { qusRelease, qusVersion } from "../helpers/qus-release.js";

const IMAGE = `localhost/qus:${qusVersion()}`;
const HOST_BINFMT = "/proc/sys/fs/binfmt_misc";
let user: PodmanUser;
let dir: string;
let hostBinfmtBefore: string[];
let executableSha256: string;

const listHostBinfmt = (): string[] => readdirSync(HOST_BINFMT).sort();
// The arm64 busybox run directly on this machine: it must keep failing (no host registration).
const hostRunsArm64 = (): boolean => spawnSync(foreignBusybox(), ["true"]).status === 0;

function podman(...args: string[]) {
  return runAs(user, ["podman", ...args], { cwd: dir });
}

// podman run with the config, the emulators and the arm64 busybox mounted read-only.
function runImage(options: string[], ...command: string[]) {
  return podman(
    "run",
    "--rm",
    ...options,
    "-v",
    `${dir}/qus.config.yaml:/etc/qus/qus.config.yaml:ro`,
    "-v",
    `${dir}/emulators:/emulators:ro`,
    "-v",
    `${dir}/busybox-arm64:/arm64/busybox:ro`,
    IMAGE,
    ...command,
  );
}

beforeAll(async () => {
  requireFixtures();
  requireBuilt();
  hostBinfmtBefore = listHostBinfmt();
  user = podmanUser("qus-image");
  // Files the user can read: the config, an emulator with a local source, the foreign binary.
  dir = mkdtempSync(join(tmpdir(), "qus-image-"));
  mkdirSync(join(dir, "emulators"));
  copyFileSync(emulatorPath("aarch64"), join(dir, "emulators", "qemu-aarch64-static"));
  copyFileSync(foreignBusybox(), join(dir, "busybox-arm64"));
  writeFileSync(
    join(dir, "qus.config.yaml"),
    "targets: [aarch64]\nsource:\n  type: local\n  path: /emulators\n",
  );
  for (const file of ["emulators/qemu-aarch64-static", "busybox-arm64"])
    chmodSync(join(dir, file), 0o755);
  chmodSync(dir, 0o755);
  chmodSync(join(dir, "emulators"), 0o755);
  // The release's standalone executable goes in, copied where the user can read it.
  const release = await qusRelease();
  const executable = join(dir, "qus-executable");
  copyFileSync(release.executable, executable);
  executableSha256 = createHash("sha256").update(readFileSync(executable)).digest("hex");
  chmodSync(executable, 0o755);
  // What image.sh reads from the repository, copied where the user can read it: the clone itself
  // may sit in a directory only root can enter.
  const tree = join(dir, "tree");
  for (const file of ["package.json", "Containerfile", "scripts/image.sh", "image/entrypoint.sh"]) {
    mkdirSync(dirname(join(tree, file)), { recursive: true, mode: 0o755 });
    copyFileSync(join(projectRoot, file), join(tree, file));
    chmodSync(join(tree, file), 0o755);
  }
  const build = await runAs(user, ["bash", "scripts/image.sh"], {
    cwd: tree,
    timeoutMs: 180_000,
    env: { QUS_EXECUTABLE: executable },
  });
  if (build.code !== 0)
    throw new Error(`scripts/image.sh failed as ${user.name}:\n${build.stderr}`);
}, 30 * 60_000);

afterAll(async () => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  if (user === undefined) return;
  stopPause(user);
  let left = userProcesses(user);
  for (let i = 0; i < 50 && left.length > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = userProcesses(user);
  }
  expect(left).toEqual([]);
});

describe(`the image ${IMAGE}, rootless`, () => {
  it("is built from the locally made base, with no registry", async () => {
    const images = await podman("images", "--format", "{{.Repository}}:{{.Tag}}");
    expect(images.stdout.split("\n")).toEqual(
      expect.arrayContaining([IMAGE, `localhost/qus-base:${qusVersion()}`]),
    );
    const history = await podman(
      "image",
      "inspect",
      "--format",
      "{{.Config.Entrypoint}} {{.Config.Cmd}}",
      IMAGE,
    );
    expect(history.stdout.trim()).toBe("[/usr/local/bin/qus-entrypoint] [apply]");
  });

  it("holds the release's standalone executable as qus, and no Node.js", async () => {
    const run = await podman(
      "run",
      "--rm",
      "--entrypoint",
      "/bin/sh",
      IMAGE,
      "-c",
      "command -v node; sha256sum /usr/local/bin/qus; qus --version",
    );
    expect(run.stdout).toBe(`${executableSha256}  /usr/local/bin/qus\n${qusVersion()}\n`);
    expect(run.code).toBe(0);
  });

  it("applies the mounted config with --verify inside its own binfmt_misc", {
    timeout: 60_000,
  }, async () => {
    const run = await runImage(["--cap-add", "SYS_ADMIN"], "apply", "--verify");
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Apply complete! Resources: 2 added, 0 changed, 0 destroyed.");
    expect(run.stdout).toContain("Verify: 1 passed, 0 failed.");
    expect(listHostBinfmt()).toEqual(hostBinfmtBefore);
    expect(hostRunsArm64()).toBe(false);
  });

  it("runs the arm64 busybox once applied; destroy undoes it", { timeout: 60_000 }, async () => {
    const script =
      "qus-entrypoint >/dev/null && /arm64/busybox uname -m && qus-entrypoint destroy | tail -n 1 && ls /proc/sys/fs/binfmt_misc";
    const run = await runImage(["--cap-add", "SYS_ADMIN", "--entrypoint", "/bin/sh"], "-c", script);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      "aarch64\nDestroy complete! Resources: 2 destroyed.\nregister\nstatus\n",
    );
    expect(listHostBinfmt()).toEqual(hostBinfmtBefore);
    expect(hostRunsArm64()).toBe(false);
  });

  it("without --cap-add SYS_ADMIN says what to add and exits 1", { timeout: 60_000 }, async () => {
    const run = await runImage([]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("cannot mount binfmt_misc");
    expect(run.stderr).toContain("--cap-add SYS_ADMIN");
  });
});
