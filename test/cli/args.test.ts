// The command line users and provisioning tools type: each command's typed result, help and
// version as text to print, and every mistake as a UsageError that names it.
import { describe, expect, it } from "vitest";
import { parseArgs, type CliArgs, type CommandLine } from "../../src/cli/args.js";
import { UsageError } from "../../src/cli/usage-error.js";
import { COMMANDS } from "../../src/cli/command-spec.js";

function args(...argv: string[]): CliArgs {
  const line = parseArgs(argv, "9.9.9");
  if (line.kind !== "command") throw new Error(`expected a command, got text: ${line.text}`);
  return line.args;
}

function printed(...argv: string[]): Extract<CommandLine, { kind: "print" }> {
  const line = parseArgs(argv, "9.9.9");
  if (line.kind !== "print") throw new Error(`expected text, got ${JSON.stringify(line.args)}`);
  return line;
}

function refusal(...argv: string[]): string {
  try {
    parseArgs(argv, "9.9.9");
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).hint).toBe("run qus --help for usage");
    return (error as Error).message;
  }
  throw new Error(`qus ${argv.join(" ")} was accepted`);
}

describe("commands and their options", () => {
  it("plan with every option, in both spellings of a valued option", () => {
    expect(
      args(
        "plan",
        "-c",
        "a.yaml",
        "--json",
        "--detailed-exitcode",
        "--out=p.json",
        "--upgrade",
        "--no-color",
      ),
    ).toEqual({
      command: "plan",
      configPath: "a.yaml",
      json: true,
      color: false,
      upgrade: true,
      detailedExitcode: true,
      out: "p.json",
    });
    expect(args("plan", "--config=b.json", "-cc.json")).toMatchObject({ configPath: "c.json" });
  });

  it("plain plan: every flag off, colour left to the terminal", () => {
    expect(args("plan")).toEqual({
      command: "plan",
      configPath: undefined,
      json: false,
      color: undefined,
      upgrade: false,
      detailedExitcode: false,
      out: undefined,
    });
  });

  it("--color and --no-color: the last one typed wins", () => {
    expect(args("status", "--no-color", "--color")).toMatchObject({ color: true });
    expect(args("status", "--color", "--no-color")).toMatchObject({ color: false });
  });

  it("apply: a saved plan file, approval, verify and the lock timeout in milliseconds", () => {
    expect(
      args("apply", "saved.json", "--auto-approve", "--verify", "--lock-timeout", "2.5"),
    ).toMatchObject({
      command: "apply",
      planFile: "saved.json",
      autoApprove: true,
      verify: true,
      lockTimeoutMs: 2500,
    });
    expect(args("apply")).not.toHaveProperty("planFile");
    expect(args("apply")).toMatchObject({ lockTimeoutMs: undefined, verify: false });
  });

  it("destroy has no plan file, --verify or --upgrade", () => {
    expect(args("destroy", "--auto-approve")).toMatchObject({
      command: "destroy",
      autoApprove: true,
    });
    expect(refusal("destroy", "--verify")).toBe("unknown option '--verify' for 'qus destroy'");
    expect(refusal("destroy", "--upgrade")).toBe("unknown option '--upgrade' for 'qus destroy'");
    expect(refusal("destroy", "plan.json")).toBe(
      "too many arguments for 'destroy': expected 0 arguments, got 1",
    );
  });

  it("show needs the file; run takes everything after -- (or after the command) as the command", () => {
    expect(args("show", "p.json", "--json")).toMatchObject({
      command: "show",
      file: "p.json",
      json: true,
      configPath: undefined,
    });
    expect(args("run", "-c", "q.yaml", "--", "./hello", "-c", "--json")).toMatchObject({
      command: "run",
      configPath: "q.yaml",
      json: false,
      argv: ["./hello", "-c", "--json"],
    });
    // qus run is one process now: no internal re-run flag.
    expect(refusal("run", "--inside", "ls")).toContain("inside");
    expect(args("run", "ls", "-la")).toMatchObject({ argv: ["ls", "-la"] });
    expect(refusal("run")).toBe("missing required argument 'command'");
    expect(refusal("run", "--")).toBe("missing required argument 'command'");
  });

  it("init: source choices with debian by default, and a comma-separated target list", () => {
    expect(args("init")).toMatchObject({
      command: "init",
      source: "debian",
      targets: undefined,
      emulators: undefined,
    });
    expect(
      args(
        "init",
        "--source",
        "local",
        "--targets",
        " aarch64, riscv64,,",
        "--emulators",
        "/opt/q",
      ),
    ).toMatchObject({
      source: "local",
      targets: ["aarch64", "riscv64"],
      emulators: "/opt/q",
    });
    expect(refusal("init", "--source", "arch")).toBe(
      "option '--source <type>' argument 'arch' is invalid. Allowed choices are debian, fedora, local.",
    );
  });

  it("demo requires --emulators; the internal --inside is accepted but not shown", () => {
    expect(args("demo", "--emulators", "/e", "--binary", "/b", "--inside")).toMatchObject({
      command: "demo",
      emulators: "/e",
      binary: "/b",
      inside: true,
    });
    expect(refusal("demo")).toBe("required option '--emulators <dir>' not specified");
    expect(printed("demo", "--help").text).not.toContain("--inside");
  });

  it("validate, status and verify take the common options; verify also --probes", () => {
    for (const command of ["validate", "status", "verify"] as const) {
      expect(args(command, "-c", "x.yaml", "--json")).toEqual({
        command,
        configPath: "x.yaml",
        json: true,
        color: undefined,
        upgrade: false,
        ...(command === "verify" ? { probes: false } : {}),
      });
    }
    expect(args("verify", "--probes")).toMatchObject({ command: "verify", probes: true });
    expect(refusal("status", "--probes")).toBe("unknown option '--probes' for 'qus status'");
  });

  it("apply --verify --probes; --probes alone is refused", () => {
    expect(args("apply", "--verify", "--probes")).toMatchObject({ verify: true, probes: true });
    expect(refusal("apply", "--probes")).toBe("--probes needs --verify");
    expect(refusal("destroy", "--probes")).toBe("unknown option '--probes' for 'qus destroy'");
  });
});

describe("mistakes", () => {
  it("are refused with what is wrong", () => {
    expect(refusal("plann")).toBe(`unknown command 'plann' (did you mean "plan"?)`);
    expect(refusal("xyzzy")).toBe("unknown command 'xyzzy'");
    expect(refusal("--bogus")).toBe("unknown option '--bogus'");
    expect(refusal("plan", "--bogus")).toBe("unknown option '--bogus' for 'qus plan'");
    expect(refusal("plan", "-x")).toBe("unknown option '-x' for 'qus plan'");
    expect(refusal("plan", "-c")).toBe("option '-c, --config <file>' argument missing");
    expect(refusal("plan", "--json=yes")).toBe("option '--json' takes no value");
    expect(refusal("plan", "extra")).toBe(
      "too many arguments for 'plan': expected 0 arguments, got 1",
    );
    expect(refusal("apply", "a.json", "b.json")).toBe(
      "too many arguments for 'apply': expected 1 argument, got 2",
    );
    expect(refusal("show")).toBe("missing required argument 'file'");
  });

  it("a misspelt command or option gets the closest spelling", () => {
    expect(refusal("aply")).toBe(`unknown command 'aply' (did you mean "apply"?)`);
    expect(refusal("--hlep")).toBe(`unknown option '--hlep' (did you mean "--help"?)`);
    expect(refusal("plan", "--hlep")).toBe(
      `unknown option '--hlep' for 'qus plan' (did you mean "--help"?)`,
    );
    expect(refusal("apply", "--auto-aprove")).toBe(
      `unknown option '--auto-aprove' for 'qus apply' (did you mean "--auto-approve"?)`,
    );
  });

  it("options may stand before the command, as Terraform and git users type them", () => {
    expect(args("-c", "x.yaml", "plan")).toMatchObject({ command: "plan", configPath: "x.yaml" });
    expect(args("--config=x.yaml", "--no-color", "apply", "--auto-approve")).toMatchObject({
      command: "apply",
      configPath: "x.yaml",
      color: false,
      autoApprove: true,
    });
    expect(printed("--no-color", "--help").text).toContain("Usage: qus");
    expect(refusal("-c", "x.yaml")).toBe("missing command after '-c x.yaml'");
    expect(refusal("--out", "p", "status")).toBe("unknown option '--out' for 'qus status'");
  });

  it("--lock-timeout must be seconds from 0 to 86400", () => {
    for (const bad of ["", " ", "-1", "abc", "86401", "Infinity"]) {
      expect(refusal("apply", "--lock-timeout", bad)).toBe(
        `--lock-timeout expects a number of seconds from 0 to 86400, got '${bad}'`,
      );
    }
    expect(args("apply", "--lock-timeout", "0")).toMatchObject({ lockTimeoutMs: 0 });
  });
});

describe("help and version", () => {
  it("--version prints the version on stdout", () => {
    expect(printed("--version")).toEqual({ kind: "print", text: "9.9.9\n", to: "stdout", code: 0 });
    expect(printed("-V").text).toBe("9.9.9\n");
  });

  it("qus alone prints help on stderr and fails; --help and help print it on stdout", () => {
    const bare = printed();
    expect(bare.to).toBe("stderr");
    expect(bare.code).toBe(1);
    expect(printed("--help")).toEqual({ ...bare, to: "stdout", code: 0 });
    expect(printed("help").text).toBe(bare.text);
  });

  it("lists every command, and each command's help lists its visible options", () => {
    const program = printed("--help").text;
    for (const command of COMMANDS) {
      expect(program).toMatch(new RegExp(`^  ${command.name} \\[options\\]`, "m"));
      const help = printed(command.name, "--help").text;
      expect(help).toBe(printed("help", command.name).text);
      expect(help.startsWith(`Usage: qus ${command.name} `)).toBe(true);
      for (const option of command.options) {
        if (option.hidden !== true) expect(help).toContain(`--${option.name}`);
      }
    }
  });

  it("wraps help at 80 columns", () => {
    for (const text of [
      printed("--help").text,
      ...COMMANDS.map((c) => printed(c.name, "-h").text),
    ]) {
      for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
    }
  });
});
