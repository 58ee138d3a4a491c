// P5: `qus apply` of every non-host target into an empty binfmt_misc, with the emulators already
// installed (a first apply put them in place), divided by QEMU's own qemu-binfmt-conf.sh
// registering its whole list with the same flags (P and F) and interpreters. Each run gets a
// fresh private instance, so both start from empty; the script runs inside it too (its
// /proc/sys/fs/binfmt_misc is the sandbox's own instance), and both must leave identical entries.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { machine, tmpdir } from "node:os";
import { join } from "node:path";
import { describeHost } from "../src/catalog/host.js";
import { TARGETS, type TargetInfo } from "../src/catalog/targets.js";
import { qemuDir } from "../test/helpers/fixtures.js";
import { startSandbox, type Sandbox } from "../test/helpers/sandbox.js";
import { benchVarCache, builtCli, entryNames, timedRun, writeBenchConfig } from "./context.js";
import { ratioFigure, type RatioFigure } from "./stats.js";
import { findQemuBinfmtConf, qemuBinfmtConfArgs } from "./qemu-binfmt-conf.js";

/** Every catalog target this host does not run natively (its CPU family is not the host's). */
export function nonHostTargets(hostMachine: string = machine()): TargetInfo[] {
  const host = describeHost(hostMachine);
  return TARGETS.filter((t) => t.family !== host.family && t.name !== host.target);
}

/** P5 with the number of formats registered in each run, and how the baseline ran. */
export interface ApplyFigure extends RatioFigure {
  readonly formats: number;
  readonly baselineCommand: string;
}

/** Measures P5 over `runs` interleaved pairs; throws when either side registers something else. */
export async function benchApplyFromEmpty(runs: number): Promise<ApplyFigure> {
  const cli = builtCli();
  const emulators = qemuDir();
  const targets = nonHostTargets();
  const missing = targets.filter((t) => !existsSync(join(emulators, `${t.emulator}-static`)));
  if (missing.length > 0)
    throw new Error(
      `P5 needs ${missing.map((t) => `${t.emulator}-static`).join(", ")} in ${emulators}: run scripts/setup.sh`,
    );
  const script = await findQemuBinfmtConf();

  const dir = await mkdtemp(join(tmpdir(), "qus-bench-p5-"));
  try {
    // qus flags "PF": the script's --preserve-argv0 yes --persistent yes.
    const config = await writeBenchConfig(
      dir,
      targets.map((t) => t.name),
      emulators,
      { flags: "PF" },
    );
    const installDir = join(dir, "emulators");
    // One /var/cache for every fresh instance: qus's code cache persists as on a real host.
    const varCache = await benchVarCache(dir);
    const scriptArgs = qemuBinfmtConfArgs(installDir);
    // The first apply installs the emulators; its instance dies with its sandbox.
    const reference = await inFreshSandbox(varCache, (sandbox) =>
      applyOnce(sandbox, cli, config, dir, targets.length, 2 * targets.length),
    );

    const qus = (): Promise<number> =>
      inFreshSandbox(varCache, async (sandbox) => {
        // Only the registrations: the emulators are installed and unchanged.
        const { ms } = await applyOnce(sandbox, cli, config, dir, targets.length, targets.length);
        await expectSameEntries(sandbox, reference.entries, "qus apply");
        return ms;
      });
    const baseline = (): Promise<number> =>
      inFreshSandbox(varCache, async (sandbox) => {
        // Run by its own #! line, as a user would.
        const { ms } = await timedRun(sandbox, script.path, scriptArgs, dir);
        await expectSameEntries(sandbox, reference.entries, "qemu-binfmt-conf.sh");
        return ms;
      });

    const qusMs: number[] = [];
    const baselineMs: number[] = [];
    await qus(); // warm-up: page cache and the hash cache, as on any second run
    await baseline();
    for (let i = 0; i < runs; i++) {
      if (i % 2 === 0) {
        qusMs.push(await qus());
        baselineMs.push(await baseline());
      } else {
        baselineMs.push(await baseline());
        qusMs.push(await qus());
      }
    }
    return {
      ...ratioFigure("P5", qusMs, baselineMs),
      formats: targets.length,
      baselineCommand: `qemu-binfmt-conf.sh ${scriptArgs.join(" ").replace(installDir, "<installDir>")} (run by its #!${script.shebang})`,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function inFreshSandbox<T>(
  varCache: string,
  body: (sandbox: Sandbox) => Promise<T>,
): Promise<T> {
  const sandbox = await startSandbox({ varCache });
  try {
    return await body(sandbox);
  } finally {
    await sandbox.stop();
  }
}

async function applyOnce(
  sandbox: Sandbox,
  cli: string,
  config: string,
  dir: string,
  entries: number,
  added: number,
): Promise<{ ms: number; entries: Map<string, string> }> {
  const { ms, stdout } = await timedRun(
    sandbox,
    process.execPath,
    [cli, "apply", "--auto-approve", "-c", config],
    dir,
  );
  const summary = `Apply complete! Resources: ${added} added, 0 changed, 0 destroyed.`;
  if (!stdout.includes(summary))
    throw new Error(
      `P5: qus apply did not say "${summary}"; it ended with:\n${stdout.slice(-1500)}`,
    );
  const live = await readEntries(sandbox);
  if (live.size !== entries)
    throw new Error(`P5: qus apply left ${live.size} entries, expected ${entries}`);
  return { ms, entries: live };
}

async function readEntries(sandbox: Sandbox): Promise<Map<string, string>> {
  const names = entryNames(sandbox);
  const texts = await Promise.all(
    names.map((name) => readFile(join(sandbox.binfmtDir, name), "utf8")),
  );
  return new Map(names.map((name, i) => [name, texts[i] as string]));
}

/** Both tools must leave exactly the same entries, or the ratio compares different work. */
/**
 * Entries whose magic differs on purpose: QEMU's script (7.2) matches MicroBlaze's old unofficial
 * machine number 0xbaab, qus EM_MICROBLAZE (0xbd), which toolchains emit. The kernel work (one
 * register line each, same flags and interpreter) is the same, so they are compared without it.
 */
const OWN_MAGIC = new Set(["qemu-microblaze", "qemu-microblazeel"]);

function comparable(name: string, entry: string | undefined): string | undefined {
  if (entry === undefined || !OWN_MAGIC.has(name)) return entry;
  return entry
    .split("\n")
    .filter((line) => !line.startsWith("magic ") && !line.startsWith("mask "))
    .join("\n");
}

async function expectSameEntries(
  sandbox: Sandbox,
  reference: Map<string, string>,
  who: string,
): Promise<void> {
  const actual = await readEntries(sandbox);
  const differing = [...new Set([...reference.keys(), ...actual.keys()])].filter(
    (name) => comparable(name, reference.get(name)) !== comparable(name, actual.get(name)),
  );
  if (differing.length > 0) {
    const first = differing[0] as string;
    throw new Error(
      `P5: ${who} left different entries (${differing.join(", ")}); ${first} reads:\n${actual.get(first) ?? "(absent)"}\nexpected:\n${reference.get(first) ?? "(absent)"}`,
    );
  }
}
