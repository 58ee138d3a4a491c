// Parses the command line into a typed value, with no behaviour of its own: commands receive
// the result, so what the user typed and what qus does stay separate. The commands and options
// are the table in command-spec.ts; a mistake is a UsageError (exit 1, no stack), and --help or
// --version become text for main.ts to print.
import { QusError } from "../errors.js";
import {
  COMMANDS,
  commandHelp,
  type INIT_SOURCES,
  optionLabel,
  programHelp,
  type CommandSpec,
  type OptionSpec,
} from "./command-spec.js";
import {
  splitLeadingOptions,
  unknownCommandMessage,
  unknownOptionMessage,
} from "./leading-options.js";

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

/** The command line could not be understood; says what, and where help is. */
export class UsageError extends QusError {
  constructor(message: string) {
    super(message, { hint: "run qus --help for usage" });
  }
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

/** Option values as typed: flags are true, valued options their last value. */
type Values = ReadonlyMap<string, string | true>;

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

/** Splits the tokens after the command name into option values and positionals, checking both. */
function readTokens(
  command: CommandSpec,
  tokens: readonly string[],
): "help" | { values: Values; positionals: string[] } {
  const values = new Map<string, string | true>();
  const positionals: string[] = [];
  const takesRest = command.arguments.some((a) => a.rest === true);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    // After "--", or once a command to run has started, everything is an argument.
    if (token === "--" || (takesRest && positionals.length > 0)) {
      positionals.push(...tokens.slice(token === "--" ? i + 1 : i));
      break;
    }
    if (token === "-h" || token === "--help") return "help";
    if (!token.startsWith("-") || token === "-") {
      positionals.push(token);
      continue;
    }
    const { option, inline } = findOption(command, token);
    if (option.value === undefined) {
      if (inline !== undefined)
        throw new UsageError(`option '${optionLabel(option)}' takes no value`);
      values.delete(option.name);
      values.set(option.name, true);
      continue;
    }
    const value = inline ?? tokens[++i];
    if (value === undefined)
      throw new UsageError(`option '${optionLabel(option)}' argument missing`);
    if (option.choices !== undefined && !option.choices.includes(value)) {
      throw new UsageError(
        `option '${optionLabel(option)}' argument '${value}' is invalid. Allowed choices are ${option.choices.join(", ")}.`,
      );
    }
    values.set(option.name, value);
  }
  for (const option of command.options) {
    if (option.required === true && !values.has(option.name))
      throw new UsageError(`required option '${optionLabel(option)}' not specified`);
  }
  checkPositionals(command, positionals);
  return { values, positionals };
}

/** The option a token names: `--name`, `--name=value`, `-s`, `-svalue`. */
function findOption(command: CommandSpec, token: string): { option: OptionSpec; inline?: string } {
  const unknown = (): never => {
    throw new UsageError(unknownOptionMessage(token, command));
  };
  if (token.startsWith("--")) {
    const equals = token.indexOf("=");
    const name = token.slice(2, equals === -1 ? undefined : equals);
    const option = command.options.find((o) => o.name === name) ?? unknown();
    return equals === -1 ? { option } : { option, inline: token.slice(equals + 1) };
  }
  const option = command.options.find((o) => o.short === token[1]) ?? unknown();
  if (token.length === 2) return { option };
  if (option.value === undefined) return unknown(); // grouped flags: none of qus's short options is a flag
  return { option, inline: token.slice(2) };
}

function checkPositionals(command: CommandSpec, positionals: readonly string[]): void {
  const specs = command.arguments;
  const missing = specs.find((a, index) => a.required && positionals.length <= index);
  if (missing !== undefined) throw new UsageError(`missing required argument '${missing.name}'`);
  if (!specs.some((a) => a.rest === true) && positionals.length > specs.length) {
    const expected = `${specs.length} argument${specs.length === 1 ? "" : "s"}`;
    throw new UsageError(
      `too many arguments for '${command.name}': expected ${expected}, got ${positionals.length}`,
    );
  }
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
