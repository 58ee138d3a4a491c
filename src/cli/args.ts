// Parses the command line into a typed value, with no behaviour of its own: commands receive
// the result, so what the user typed and what qus does stay separate.
import { Command, Option } from "commander";

/** Options every command that reads a config accepts. */
export interface CommonArgs {
  readonly configPath: string | undefined;
  readonly json: boolean;
  readonly color: boolean | undefined;
  /** plan and apply: re-resolve emulators instead of using the lock file's versions. */
  readonly upgrade: boolean;
}

/** What the user asked for. */
export type CliArgs =
  | (CommonArgs & { readonly command: "plan"; readonly detailedExitcode: boolean } & PlanOutArgs)
  | (CommonArgs & { readonly command: "apply" | "destroy"; readonly detailedExitcode: boolean; readonly autoApprove: boolean } & ApplyVerifyArgs & ApplyLockArgs)
  | (CommonArgs & { readonly command: "show"; readonly file: string })
  | (CommonArgs & { readonly command: "status" })
  | (CommonArgs & { readonly command: "validate" })
  | (CommonArgs & { readonly command: "demo"; readonly emulators: string; readonly binary: string | undefined; readonly inside: boolean })
  | (CommonArgs & { readonly command: "verify" })
  | (CommonArgs & { readonly command: "run"; readonly argv: readonly string[]; readonly inside: boolean })
  | (CommonArgs & { readonly command: "init"; readonly source: InitSource; readonly targets: readonly string[] | undefined; readonly emulators: string | undefined });

/** The emulator sources `qus init` can write a starter config for. */
export type InitSource = "debian" | "fedora" | "local";

/** `apply --verify`: run `qus verify` once apply has finished. */
export interface ApplyVerifyArgs {
  readonly verify?: boolean;
}

/** `plan --out FILE`: save the plan for a later `qus apply FILE`. */
export interface PlanOutArgs {
  readonly out?: string;
}

/** `apply [FILE] --lock-timeout SECONDS`: apply a saved plan; how long to wait for another apply. */
export interface ApplyLockArgs {
  readonly planFile?: string;
  /** Milliseconds; absent means the default (30 s). */
  readonly lockTimeoutMs?: number;
}

/** Parses --lock-timeout: seconds, a non-negative number (fractions allowed). */
function lockTimeoutMs(value: unknown, cmd: Command): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (String(value).trim() === "" || !Number.isFinite(seconds) || seconds < 0 || seconds > 86_400) {
    cmd.error(`error: --lock-timeout expects a number of seconds from 0 to 86400, got '${String(value)}'`);
  }
  return Math.round(seconds * 1000);
}

/** Parses argv (without node and script). Help and version print and exit through commander. */
export function parseArgs(argv: readonly string[], version: string): CliArgs {
  let parsed: CliArgs | undefined;
  const program = new Command("qus")
    .description("Declarative QEMU user-mode emulation: plan and apply binfmt_misc registrations from a config file.")
    .version(version, "-V, --version")
    .showHelpAfterError("(run qus --help for usage)")
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });

  const common = (cmd: Command) =>
    cmd
      .option("-c, --config <file>", "config file (default: qus.config.* or .qusrc* in the current directory, or package.json \"qus\")")
      .option("--json", "print one JSON document on stdout instead of text", false)
      .addOption(new Option("--color", "force colour"))
      .addOption(new Option("--no-color", "never colour (also: NO_COLOR, or output that is not a terminal)"));
  const base = (opts: Record<string, unknown>): CommonArgs => ({
    configPath: opts.config as string | undefined,
    json: opts.json === true,
    color: opts.color as boolean | undefined,
    upgrade: opts.upgrade === true,
  });
  const detailed = "exit 2 instead of 0 when there are changes (plan) or changes were made (apply)";

  common(program.command("plan").description("show what apply would change"))
    .option("--detailed-exitcode", detailed, false)
    .option("--out <file>", "also save the plan to FILE, for `qus apply FILE` (refused there if anything changed meanwhile)")
    .option("--upgrade", "resolve the newest emulators again instead of the versions in qus.lock.json", false)
    .action((opts) => {
      parsed = { ...base(opts), command: "plan", detailedExitcode: opts.detailedExitcode === true, out: opts.out as string | undefined };
    });
  for (const name of ["apply", "destroy"] as const) {
    const what = name === "apply" ? "make binfmt_misc match the config" : "remove every entry and emulator qus owns, and only those";
    const sub = program.command(name).description(what);
    if (name === "apply") sub.argument("[plan-file]", "a plan saved with `qus plan --out FILE`: applied exactly, without a prompt");
    common(sub)
      .option("--auto-approve", "do not ask for confirmation (needed without a terminal)", false)
      .option("--detailed-exitcode", detailed, false)
      .addOption(new Option("--verify", "after applying, run qus verify (exit 1 if a target fails)").hideHelp(name !== "apply"))
      .option("--lock-timeout <seconds>", "how long to wait while another qus applies (default 30)")
      .addOption(new Option("--upgrade", "resolve the newest emulators again instead of the versions in qus.lock.json").hideHelp(name !== "apply"))
      .action((...params: unknown[]) => {
        const cmd = params.at(-1) as Command;
        const opts = cmd.opts();
        const planFile = name === "apply" ? (params[0] as string | undefined) : undefined;
        if (name !== "apply" && opts.verify === true) cmd.error(`error: unknown option '--verify' (only apply has it)`);
        const lock = { lockTimeoutMs: lockTimeoutMs(opts.lockTimeout, cmd), ...(planFile === undefined ? {} : { planFile }) };
        parsed = { ...base(opts), command: name, autoApprove: opts.autoApprove === true, detailedExitcode: opts.detailedExitcode === true, verify: opts.verify === true, ...lock };
      });
  }
  program
    .command("show")
    .description("print a plan saved with `qus plan --out FILE`")
    .argument("<file>", "the saved plan")
    .option("--json", "print the plan's JSON document instead of text", false)
    .addOption(new Option("--color", "force colour"))
    .addOption(new Option("--no-color", "never colour (also: NO_COLOR, or output that is not a terminal)"))
    .action((file: string, opts) => {
      parsed = { configPath: undefined, json: opts.json === true, color: opts.color as boolean | undefined, upgrade: false, command: "show", file };
    });
  common(program.command("status").description("list the registered entries and which ones qus owns")).action((opts) => {
    parsed = { ...base(opts), command: "status" };
  });
  common(program.command("validate").description("check the config file and exit")).action((opts) => {
    parsed = { ...base(opts), command: "validate" };
  });
  common(program.command("demo").description("plan, apply and run a foreign binary inside a private binfmt_misc (changes nothing on the host)"))
    .requiredOption("--emulators <dir>", "directory holding qemu-<target>-static emulators")
    .option("--binary <file>", "a static aarch64 program to run once emulation is set up (e.g. busybox)")
    .addOption(new Option("--inside").hideHelp())
    .action((opts) => {
      parsed = { ...base(opts), command: "demo", emulators: String(opts.emulators), binary: opts.binary as string | undefined, inside: opts.inside === true };
    });

  common(program.command("verify").description("prove emulation works: run a tiny program of each enabled target through the kernel")).action((opts) => {
    parsed = { ...base(opts), command: "verify" };
  });
  common(program.command("run").description("rootless: run a command in a private binfmt_misc with the configured targets (Linux 6.7+)"))
    .usage("[options] -- <command> [args...]")
    .argument("<command...>", "the command to run, after --")
    .addOption(new Option("--inside").hideHelp())
    .action((command: string[], opts) => {
      parsed = { ...base(opts), command: "run", argv: command, inside: opts.inside === true };
    });
  common(program.command("init").description("write a commented starter config (qus.config.yaml, or the file given with -c); never overwrites"))
    .addOption(new Option("--source <type>", "where emulators come from").choices(["debian", "fedora", "local"]).default("debian"))
    .option("--targets <list>", "comma-separated targets (default: aarch64,arm,riscv64,ppc64le,s390x)")
    .option("--emulators <dir>", "for --source local: the directory holding qemu-<target>-static (default: /usr/bin)")
    .action((opts) => {
      const targets = typeof opts.targets === "string" ? String(opts.targets).split(",").map((t) => t.trim()).filter((t) => t !== "") : undefined;
      parsed = { ...base(opts), command: "init", source: opts.source as InitSource, targets, emulators: opts.emulators as string | undefined };
    });

  program.parse([...argv], { from: "user" });
  if (parsed === undefined) {
    program.help({ error: true });
  }
  return parsed as CliArgs;
}
