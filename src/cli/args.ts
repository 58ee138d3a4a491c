// Parses the command line into a typed value, with no behaviour of its own: commands receive
// the result, so what the user typed and what qus does stay separate. The commands and options
// are the table in command-spec.ts, read token by token in read-tokens.ts; a mistake is a
// UsageError (exit 1, no stack), and --help or --version become text for main.ts to print.
import { COMMANDS, type INIT_SOURCES, type CommandSpec } from "./command-spec.js";
import { commandHelp, programHelp } from "./help-text.js";
import { splitLeadingOptions, unknownCommandMessage } from "./leading-options.js";
import { readTokens, type Values } from "./read-tokens.js";
import { UsageError } from "./usage-error.js";

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
  | (CommonArgs & {
      readonly command: "apply" | "destroy";
      readonly detailedExitcode: boolean;
      readonly autoApprove: boolean;
    } & ApplyVerifyArgs &
      ApplyLockArgs)
  | (CommonArgs & { readonly command: "show"; readonly file: string })
  | (CommonArgs & { readonly command: "completion"; readonly shell: string })
  | (CommonArgs & { readonly command: "status" })
  | (CommonArgs & { readonly command: "validate" })
  | (CommonArgs & { readonly command: "doctor" })
  | (CommonArgs & {
      readonly command: "demo";
      readonly emulators: string;
      readonly binary: string | undefined;
      readonly inside: boolean;
    })
  | (CommonArgs & { readonly command: "verify"; readonly probes: boolean })
  | (CommonArgs & {
      readonly command: "run";
      readonly argv: readonly string[];
    })
  | (CommonArgs & {
      readonly command: "init";
      readonly source: InitSource;
      readonly targets: readonly string[] | undefined;
      readonly emulators: string | undefined;
    });

/** The emulator sources `qus init` can write a starter config for. */
export type InitSource = (typeof INIT_SOURCES)[number];

/** `apply --verify`: run `qus verify` once apply has finished. */
export interface ApplyVerifyArgs {
  readonly verify?: boolean;
  /** With verify: also run the guest-compatibility probes. */
  readonly probes?: boolean;
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

/** What the command line asks for: a command to run, or text to print (help, version) and an exit code. */
export type CommandLine =
  | { readonly kind: "command"; readonly args: CliArgs }
  | {
      readonly kind: "print";
      readonly text: string;
      readonly to: "stdout" | "stderr";
      readonly code: 0 | 1;
    };

/** Parses argv (without node and script). Throws UsageError for what it cannot accept. */
export function parseArgs(argv: readonly string[], version: string): CommandLine {
  if (argv.length === 0) return { kind: "print", text: programHelp(), to: "stderr", code: 1 };
  let split: ReturnType<typeof splitLeadingOptions>;
  try {
    split = splitLeadingOptions(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { command: word, rest } = split;
  if (word === undefined) throw new UsageError(`missing command after '${argv.join(" ")}'`);
  if (word === "-h" || word === "--help") return print(programHelp());
  if (word === "-V" || word === "--version") return print(`${version}\n`);
  if (word === "help") {
    const topic = rest[0];
    return print(topic === undefined ? programHelp() : commandHelp(commandNamed(topic)));
  }
  const command = commandNamed(word);
  const parsed = readTokens(command, [...split.leading, ...rest]);
  if (parsed === "help") return print(commandHelp(command));
  return { kind: "command", args: toCliArgs(command, parsed.values, parsed.positionals) };
}

function print(text: string): CommandLine {
  return { kind: "print", text, to: "stdout", code: 0 };
}

function commandNamed(name: string): CommandSpec {
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) throw new UsageError(unknownCommandMessage(name));
  return command;
}

/** Parses --lock-timeout: seconds, a non-negative number (fractions allowed). */
function lockTimeoutMs(value: string | true | undefined): number | undefined {
  if (value === undefined || value === true) return undefined;
  const seconds = Number(value);
  if (value.trim() === "" || !Number.isFinite(seconds) || seconds < 0 || seconds > 86_400) {
    throw new UsageError(
      `--lock-timeout expects a number of seconds from 0 to 86400, got '${value}'`,
    );
  }
  return Math.round(seconds * 1000);
}

function toCliArgs(command: CommandSpec, values: Values, positionals: readonly string[]): CliArgs {
  const flag = (name: string): boolean => values.get(name) === true;
  const text = (name: string): string | undefined => {
    const value = values.get(name);
    return typeof value === "string" ? value : undefined;
  };
  // --color and --no-color: the last one typed wins, as with other options.
  const colorFlags = [...values.keys()].filter((k) => k === "color" || k === "no-color");
  const color = colorFlags.length === 0 ? undefined : colorFlags.at(-1) === "color";
  const base: CommonArgs = {
    configPath: text("config"),
    json: flag("json"),
    color,
    upgrade: flag("upgrade"),
  };
  switch (command.name) {
    case "plan":
      return {
        ...base,
        command: "plan",
        detailedExitcode: flag("detailed-exitcode"),
        out: text("out"),
      };
    case "apply":
    case "destroy": {
      const planFile = positionals[0];
      if (flag("probes") && !flag("verify")) throw new UsageError("--probes needs --verify");
      return {
        ...base,
        command: command.name,
        autoApprove: flag("auto-approve"),
        detailedExitcode: flag("detailed-exitcode"),
        verify: flag("verify"),
        probes: flag("probes"),
        lockTimeoutMs: lockTimeoutMs(values.get("lock-timeout")),
        ...(planFile === undefined ? {} : { planFile }),
      };
    }
    case "show":
      return { ...base, configPath: undefined, command: "show", file: positionals[0] as string };
    case "completion":
      return {
        ...base,
        configPath: undefined,
        command: "completion",
        shell: positionals[0] as string,
      };
    case "status":
    case "validate":
    case "doctor":
      return { ...base, command: command.name };
    case "verify":
      return { ...base, command: "verify", probes: flag("probes") };
    case "demo":
      return {
        ...base,
        command: "demo",
        emulators: text("emulators") as string,
        binary: text("binary"),
        inside: flag("inside"),
      };
    case "run":
      return { ...base, command: "run", argv: positionals };
    case "init": {
      const list = text("targets");
      const targets =
        list === undefined
          ? undefined
          : list
              .split(",")
              .map((t) => t.trim())
              .filter((t) => t !== "");
      return {
        ...base,
        command: "init",
        source: (text("source") ?? "debian") as InitSource,
        targets,
        emulators: text("emulators"),
      };
    }
    default:
      throw new UsageError(`unknown command '${command.name}'`);
  }
}
