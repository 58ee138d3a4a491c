// `qus demo`: the quick start. Runs plan, apply, a foreign binary, verify with the
// guest-compatibility probes (which syscalls today's guests need the emulators answer) and a
// second plan against an embedded default config inside a private user namespace with its own binfmt_misc instance
// (Linux 6.7+), so nothing on the host changes.
import { spawn, spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { QusError } from "../errors.js";
import type { CliArgs } from "../cli/args.js";
import type { CommandIO } from "../cli/io.js";
import { selfCommand } from "../executable.js";

/** The targets the demo registers: the ones people emulate most. */
export const DEMO_TARGETS = ["aarch64", "arm", "riscv64", "ppc64le", "s390x"] as const;

/** The embedded default config, rooted in a scratch directory. */
export function demoConfig(scratch: string, emulators: string): object {
  return {
    targets: [...DEMO_TARGETS],
    flags: "POF",
    source: { type: "local", path: emulators },
    installDir: join(scratch, "emulators"),
    stateFile: join(scratch, "state.json"),
    binfmtDir: join(scratch, "binfmt_misc"),
  };
}

/** Runs the demo; outside a namespace it re-runs itself inside a new one. */
export async function demoCommand(
  args: Extract<CliArgs, { command: "demo" }>,
  io: CommandIO,
): Promise<number> {
  const [qusProgram, ...qusArgs] = await selfCommand();
  const forwarded = [
    "demo",
    "--emulators",
    resolve(io.cwd, args.emulators),
    ...(args.binary ? ["--binary", resolve(io.cwd, args.binary)] : []),
  ];
  if (!args.inside) {
    const code = await runVisible(
      "unshare",
      [
        "--user",
        "--map-root-user",
        "--mount",
        "--",
        qusProgram,
        ...qusArgs,
        ...forwarded,
        "--inside",
      ],
      io,
    );
    if (code === 127 || code === -1) {
      throw new QusError("Could not create a private user namespace with unshare", {
        hint: "the demo needs util-linux's unshare and Linux 6.7+ with unprivileged user namespaces enabled",
      });
    }
    return code;
  }

  const scratch = await mkdtemp(join(tmpdir(), "qus-demo-"));
  try {
    await mkdir(join(scratch, "binfmt_misc"));
    // qus itself mounts binfmt_misc only at the kernel's own path; the demo's private instance
    // lives in its scratch directory, so the demo mounts it there (this namespace's own instance).
    const mounted = spawnSync(
      "mount",
      ["-t", "binfmt_misc", "binfmt_misc", join(scratch, "binfmt_misc")],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
    if (mounted.status !== 0) {
      throw new QusError("Could not mount a private binfmt_misc instance for the demo", {
        hint: "the demo needs Linux 6.7+ (binfmt_misc per user namespace)",
      });
    }
    const config = join(scratch, "qus.config.json");
    await writeFile(
      config,
      `${JSON.stringify(demoConfig(scratch, resolve(args.emulators)), null, 2)}\n`,
    );
    const qus = (...rest: string[]) => {
      io.stdout.write(`\n$ qus ${rest.join(" ")}\n`);
      return runVisible(
        qusProgram,
        [...qusArgs, ...rest, "-c", config, ...(args.color === false ? ["--no-color"] : [])],
        io,
      );
    };

    io.stdout.write(
      `# A private binfmt_misc instance: nothing here touches the host.\n# Embedded config (${config}):\n${JSON.stringify(demoConfig(scratch, resolve(args.emulators)), null, 2)}\n`,
    );
    if ((await qus("plan")) !== 0) return 1;
    if ((await qus("apply", "--auto-approve")) !== 0) return 1;
    if (args.binary) {
      io.stdout.write(
        `\n$ ${args.binary} uname -m    # an aarch64 program, run through the kernel\n`,
      );
      if ((await runVisible(args.binary, ["uname", "-m"], io)) !== 0) return 1;
    }
    // An emulator too old for today's guests (openat2 missing) fails here, named.
    if ((await qus("verify", "--probes")) !== 0) return 1;
    const second = await qus("plan", "--detailed-exitcode");
    return second === 0 ? 0 : 1;
  } finally {
    // The private instance dies with the namespace; unmount it so the scratch dir can go.
    spawnSync("umount", [join(scratch, "binfmt_misc")], { stdio: "ignore" });
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Runs a command with inherited output. */
function runVisible(cmd: string, argv: string[], io: CommandIO): Promise<number> {
  return new Promise((done) => {
    // The demo's own qus runs keep no code cache either: it changes nothing on the host.
    const env = { ...io.env, NODE_DISABLE_COMPILE_CACHE: "1" };
    const child = spawn(cmd, argv, { stdio: ["ignore", "inherit", "inherit"], env });
    child.on("error", () => done(127));
    child.on("exit", (code, signal) => done(code ?? (signal ? 1 : -1)));
  });
}
