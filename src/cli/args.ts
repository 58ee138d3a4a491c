// Parses the command line into a typed value, with no behaviour of its own: commands receive
// the result, so what the user typed and what qus does stay separate.
import { Command, Option } from "commander";

/** Options every command that reads a config accepts. */
export interface CommonArgs {
  readonly configPath: string | undefined;
  readonly json: boolean;
  readonly color: boolean | undefined;
}

/** What the user asked for. */
export type CliArgs =
  | (CommonArgs & { readonly command: "plan"; readonly detailedExitcode: boolean })
  | (CommonArgs & { readonly command: "apply" | "destroy"; readonly detailedExitcode: boolean; readonly autoApprove: boolean })
  | (CommonArgs & { readonly command: "status" })
  | (CommonArgs & { readonly command: "validate" })
  | (CommonArgs & { readonly command: "demo"; readonly emulators: string; readonly binary: string | undefined; readonly inside: boolean });

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
  });
  const detailed = "exit 2 instead of 0 when there are changes (plan) or changes were made (apply)";

  common(program.command("plan").description("show what apply would change"))
    .option("--detailed-exitcode", detailed, false)
    .action((opts) => {
      parsed = { ...base(opts), command: "plan", detailedExitcode: opts.detailedExitcode === true };
    });
  for (const name of ["apply", "destroy"] as const) {
    const what = name === "apply" ? "make binfmt_misc match the config" : "remove every entry and emulator qus owns, and only those";
    common(program.command(name).description(what))
      .option("--auto-approve", "do not ask for confirmation (needed without a terminal)", false)
      .option("--detailed-exitcode", detailed, false)
      .action((opts) => {
        parsed = { ...base(opts), command: name, autoApprove: opts.autoApprove === true, detailedExitcode: opts.detailedExitcode === true };
      });
  }
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

  program.parse([...argv], { from: "user" });
  if (parsed === undefined) {
    program.help({ error: true });
  }
  return parsed as CliArgs;
}
