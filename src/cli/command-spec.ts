// The command line as data: every command, its options and arguments. args.ts parses against
// this table and help-text.ts writes help from it; nothing here reads or prints anything.

/** One option: `--name`, maybe `-s`, maybe taking a value. */
export interface OptionSpec {
  readonly name: string;
  readonly short?: string;
  /** The value's placeholder in help (`<file>`); absent for a flag. */
  readonly value?: string;
  readonly description: string;
  readonly choices?: readonly string[];
  readonly defaultValue?: string;
  readonly required?: boolean;
  /** Accepted but not shown in help (internal, or kept for a sibling command's sake). */
  readonly hidden?: boolean;
}

/** One positional argument: `<file>` (required), `[plan-file]` (optional) or `<command...>` (the rest). */
export interface ArgumentSpec {
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
  readonly rest?: boolean;
}

/** One command: `qus <name> [options] [arguments]`. */
export interface CommandSpec {
  readonly name: string;
  readonly description: string;
  readonly options: readonly OptionSpec[];
  readonly arguments: readonly ArgumentSpec[];
  /** Replaces "[options] <args>" in the usage line. */
  readonly usage?: string;
}

const CONFIG: OptionSpec = {
  name: "config",
  short: "c",
  value: "<file>",
  description:
    'config file (default: qus.config.* or .qusrc* in the current directory, or package.json "qus")',
};
const JSON_OUTPUT: OptionSpec = {
  name: "json",
  description: "print one JSON document on stdout instead of text",
};
const COLOR: OptionSpec = { name: "color", description: "force colour" };
const NO_COLOR: OptionSpec = {
  name: "no-color",
  description: "never colour (also: NO_COLOR, or output that is not a terminal)",
};
const COMMON: readonly OptionSpec[] = [CONFIG, JSON_OUTPUT, COLOR, NO_COLOR];
const DETAILED: OptionSpec = {
  name: "detailed-exitcode",
  description: "exit 2 instead of 0 when there are changes (plan) or changes were made (apply)",
};
const UPGRADE: OptionSpec = {
  name: "upgrade",
  description: "resolve the newest emulators again instead of the versions in qus.lock.json",
};
const INSIDE: OptionSpec = {
  name: "inside",
  description: "internal: the re-run inside the new namespaces",
  hidden: true,
};
// Why: every command accepts `-h, --help`; help-text.ts lists it after the command's own options.
export const HELP: OptionSpec = {
  name: "help",
  short: "h",
  description: "display help for command",
};

/** The emulator sources `qus init` can write a starter config for. */
export const INIT_SOURCES = ["debian", "fedora", "local"] as const;

/** Every command, in the order help lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "plan",
    description: "show what apply would change",
    options: [
      ...COMMON,
      DETAILED,
      {
        name: "out",
        value: "<file>",
        description:
          "also save the plan to FILE, for `qus apply FILE` (refused there if anything changed meanwhile)",
      },
      UPGRADE,
    ],
    arguments: [],
  },
  {
    name: "apply",
    description: "make binfmt_misc match the config",
    options: [
      ...COMMON,
      {
        name: "auto-approve",
        description: "do not ask for confirmation (needed without a terminal)",
      },
      DETAILED,
      { name: "verify", description: "after applying, run qus verify (exit 1 if a target fails)" },
      { name: "probes", description: "with --verify, also run the guest-compatibility probes" },
      {
        name: "lock-timeout",
        value: "<seconds>",
        description: "how long to wait while another qus applies (default 30)",
      },
      UPGRADE,
    ],
    arguments: [
      {
        name: "plan-file",
        description: "a plan saved with `qus plan --out FILE`: applied exactly, without a prompt",
        required: false,
      },
    ],
  },
  {
    name: "destroy",
    description: "remove every entry and emulator qus owns, and only those",
    options: [
      ...COMMON,
      {
        name: "auto-approve",
        description: "do not ask for confirmation (needed without a terminal)",
      },
      DETAILED,
      {
        name: "lock-timeout",
        value: "<seconds>",
        description: "how long to wait while another qus applies (default 30)",
      },
    ],
    arguments: [],
  },
  {
    name: "show",
    description: "print a plan saved with `qus plan --out FILE`",
    options: [
      { ...JSON_OUTPUT, description: "print the plan's JSON document instead of text" },
      COLOR,
      NO_COLOR,
    ],
    arguments: [{ name: "file", description: "the saved plan", required: true }],
  },
  {
    name: "status",
    description: "list the registered entries and which ones qus owns",
    options: COMMON,
    arguments: [],
  },
  {
    name: "validate",
    description: "check the config file and exit",
    options: COMMON,
    arguments: [],
  },
  {
    name: "demo",
    description:
      "plan, apply, run a foreign binary and probe the emulators inside a private binfmt_misc (changes nothing on the host)",
    options: [
      ...COMMON,
      {
        name: "emulators",
        value: "<dir>",
        description: "directory holding qemu-<target>-static emulators",
        required: true,
      },
      {
        name: "binary",
        value: "<file>",
        description: "a static aarch64 program to run once emulation is set up (e.g. busybox)",
      },
      INSIDE,
    ],
    arguments: [],
  },
  {
    name: "verify",
    description:
      "prove emulation works: run a tiny program of each enabled target through the kernel",
    options: [
      ...COMMON,
      {
        name: "probes",
        description:
          "also call the system calls modern guests rely on (openat2, clone3...) and report which the emulator lacks",
      },
    ],
    arguments: [],
  },
  {
    name: "run",
    description:
      "rootless: run a command in a private binfmt_misc with the configured targets (Linux 6.7+)",
    options: COMMON,
    arguments: [
      { name: "command", description: "the command to run, after --", required: true, rest: true },
    ],
    usage: "[options] -- <command> [args...]",
  },
  {
    name: "doctor",
    description:
      "explain this host: kernel, binfmt_misc, privilege, every entry, reboots, environment, config (changes nothing; exit 1 when something fails today)",
    options: COMMON,
    arguments: [],
  },
  {
    name: "init",
    description:
      "write a commented starter config (qus.config.yaml, or the file given with -c); never overwrites",
    options: [
      ...COMMON,
      {
        name: "source",
        value: "<type>",
        description: "where emulators come from",
        choices: INIT_SOURCES,
        defaultValue: "debian",
      },
      {
        name: "targets",
        value: "<list>",
        description: "comma-separated targets (default: aarch64,arm,riscv64,ppc64le,s390x)",
      },
      {
        name: "emulators",
        value: "<dir>",
        description:
          "for --source local: the directory holding qemu-<target>-static (default: /usr/bin)",
      },
    ],
    arguments: [],
  },
  {
    name: "completion",
    description: "print the shell completion script (bash, zsh or fish)",
    options: [],
    arguments: [{ name: "shell", description: "bash, zsh or fish", required: true }],
  },
];

/** The program's own description, first line of `qus --help`. */
export const PROGRAM_DESCRIPTION =
  "Declarative QEMU user-mode emulation: plan and apply binfmt_misc registrations from a config file.";
