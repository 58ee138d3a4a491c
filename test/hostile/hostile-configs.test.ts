// Hostile and malformed configs through the BUILT CLI inside one private binfmt_misc sandbox:
// each must end in exit 1 with a positioned message, no stack trace, nothing that can drive the
// user's terminal, and no change to the kernel or the disk. The corpus lives in configs/ and its
// expected messages in corpus.ts; a few situations (sizes, permissions, file types) are made here.
import { execFileSync } from "node:child_process";
import {
  chmod,
  copyFile,
  lstat,
  mkdir,
  readdir,
  readFile,
  symlink,
  writeFile,
} from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliPath } from "../helpers/fixtures.js";
import type { RunResult } from "../helpers/sandbox.js";
import { openHarness, type Harness } from "../e2e/harness.js";
import { HOSTILE_CASES, installedName } from "./corpus.js";

const CONFIGS = join(dirname(fileURLToPath(import.meta.url)), "configs");
/** Two runs per file on a 2-core machine: a little more than the cores, as node mostly waits. */
const PARALLEL_CASES = 3;
/** An error message is for people: a hostile value must not be echoed back in full. */
const MAX_STDERR_BYTES = 16 * 1024;
/**
 * Where qus installs, records and caches by default, seen from here (the sandbox's /var/cache is
 * the harness's): a failing config must create none.
 */
const defaultPlaces = (harness: Harness) => [
  "/usr/local/lib/qus",
  "/var/lib/qus",
  join(harness.varCache, "qus"),
];
// C0 controls except tab and newline, DEL, and C1 controls (U+0080-U+009F): what terminals obey.
const CONTROL_CHARACTER = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
const STACK_LINE = /^\s*at .*:\d+(:\d+)?\)?$/m;

/** A config that is hostile by where or what it is, rather than by its text. */
interface Situation {
  readonly name: string;
  readonly file: string;
  readonly says: RegExp;
  setup(dir: string): Promise<void>;
}

const SITUATIONS: readonly Situation[] = [
  {
    name: "a 2 MiB config",
    file: "qus.config.yaml",
    says: /config file qus\.config\.yaml is \d+ bytes; qus refuses configs over/,
    setup: (dir) =>
      writeFile(
        join(dir, "qus.config.yaml"),
        `targets: [aarch64]\n${"# padding\n".repeat(210_000)}`,
      ),
  },
  {
    name: "a config every user can write",
    file: "qus.config.yaml",
    says: /qus\.config\.yaml is writable by every user/,
    async setup(dir) {
      await writeFile(
        join(dir, "qus.config.yaml"),
        "targets: [aarch64]\nsource: {type: local, path: /x}\n",
      );
      await chmod(join(dir, "qus.config.yaml"), 0o666);
    },
  },
  {
    name: "a directory",
    file: "qus.config.yaml",
    says: /qus\.config\.yaml is not a regular file/,
    setup: (dir) => mkdir(join(dir, "qus.config.yaml")),
  },
  {
    name: "a FIFO nobody writes to (must not hang)",
    file: "qus.config.yaml",
    says: /qus\.config\.yaml is not a regular file/,
    setup: async (dir) => void execFileSync("mkfifo", [join(dir, "qus.config.yaml")]),
  },
  {
    name: "a symbolic link to /dev/zero",
    file: "qus.config.json",
    says: /qus\.config\.json is not a regular file/,
    setup: (dir) => symlink("/dev/zero", join(dir, "qus.config.json")),
  },
  {
    name: "a file that does not exist",
    file: "missing.yaml",
    says: /config file missing\.yaml does not exist/,
    setup: async () => undefined,
  },
];

/** What running one config through validate and plan produced. */
interface Outcome {
  readonly display: string;
  readonly validate: RunResult;
  readonly plan: RunResult;
  /** Files in the case's directory (and its HOME and cache) that were added, removed or changed. */
  readonly diskChanges: readonly string[];
  /** The sandbox's binfmt_misc directory after the runs. */
  readonly kernelFiles: readonly string[];
  readonly binfmtStatus: string;
}

let h: Harness;
let defaultPlacesBefore: boolean[];
const outcomes = new Map<string, Outcome>();

beforeAll(async () => {
  h = await openHarness();
  defaultPlacesBefore = await Promise.all(defaultPlaces(h).map(exists));
  const jobs: { key: string; file: string; setup(dir: string): Promise<void> }[] = [
    ...HOSTILE_CASES.map((c) => ({
      key: c.file,
      file: installedName(c.file),
      setup: (dir: string) => copyFile(join(CONFIGS, c.file), join(dir, installedName(c.file))),
    })),
    ...SITUATIONS.map((s) => ({ key: s.name, file: s.file, setup: s.setup })),
  ];
  await inParallel(jobs, PARALLEL_CASES, async (job, index) => {
    const dir = join(h.dir, `case-${index}`);
    await mkdir(join(dir, "home"), { recursive: true });
    await mkdir(join(dir, "cache"));
    await job.setup(dir);
    outcomes.set(job.key, await runCase(dir, job.file));
  });
}, 600_000);

afterAll(async () => {
  await h?.close();
});

async function runCase(dir: string, file: string): Promise<Outcome> {
  const before = await snapshot(dir);
  const env = { NO_COLOR: "1", HOME: join(dir, "home"), XDG_CACHE_HOME: join(dir, "cache") };
  const qus = (...args: string[]) =>
    h.sandbox.run(process.execPath, [cliPath(), ...args], { cwd: dir, env, timeoutMs: 60_000 });
  const validate = await qus("validate", "-c", file);
  const plan = await qus("plan", "--json", "-c", file);
  const after = await snapshot(dir);
  return {
    display: file,
    validate,
    plan,
    diskChanges: difference(before, after),
    kernelFiles: (await readdir(h.sandbox.binfmtDir)).sort(),
    binfmtStatus: (await readFile(join(h.sandbox.binfmtDir, "status"), "utf8")).trim(),
  };
}

/** Every path under dir with its mode, and for files their size and mtime (links not followed). */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  const walk = async (path: string, shown: string): Promise<void> => {
    const info = await lstat(path);
    // A directory's own mtime moves when a loader makes and removes a temporary file in it; only
    // what it contains counts.
    result.set(
      shown,
      info.isDirectory()
        ? `dir ${info.mode.toString(8)}`
        : `${info.mode.toString(8)} ${info.size} ${info.mtimeMs}`,
    );
    if (info.isDirectory())
      for (const name of await readdir(path)) await walk(join(path, name), `${shown}/${name}`);
  };
  await walk(dir, ".");
  return result;
}

function difference(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const [path, state] of after) {
    if (!before.has(path)) changes.push(`added ${path}`);
    else if (before.get(path) !== state)
      changes.push(`changed ${path} (${before.get(path)} -> ${state})`);
  }
  for (const path of before.keys()) if (!after.has(path)) changes.push(`removed ${path}`);
  return changes;
}

async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

function outcomeOf(key: string): Outcome {
  const outcome = outcomes.get(key);
  if (outcome === undefined)
    throw new Error(`no outcome recorded for ${key}: the corpus run in beforeAll did not reach it`);
  return outcome;
}

/** What every hostile input must give: exit 1, one clear message, nothing touched. */
function expectCleanRefusal(outcome: Outcome, says: RegExp): void {
  const { validate, plan } = outcome;
  for (const [command, result] of [
    ["validate", validate],
    ["plan --json", plan],
  ] as const) {
    expect
      .soft(result.code, `${command} exit code; stderr: ${result.stderr.slice(0, 2000)}`)
      .toBe(1);
    const shown = JSON.stringify(result.stderr.slice(0, 1500));
    expect
      .soft(result.stderr, `${command} reports an internal error: ${shown}`)
      .not.toContain("Internal error");
    expect.soft(result.stderr, `${command} prints a stack trace: ${shown}`).not.toMatch(STACK_LINE);
    expect
      .soft(result.stderr, `${command} prints a terminal control character: ${shown}`)
      .not.toMatch(CONTROL_CHARACTER);
    expect
      .soft(Buffer.byteLength(result.stderr), `${command} stderr size (bytes)`)
      .toBeLessThanOrEqual(MAX_STDERR_BYTES);
    expect.soft(result.stderr, `${command} says what is wrong`).toMatch(says);
  }
  expect.soft(validate.stdout, "validate prints nothing on stdout").toBe("");
  expect.soft(plan.stderr, "plan and validate report the same problem").toBe(validate.stderr);
  expect.soft(outcome.diskChanges, "files created or changed").toEqual([]);
  expect
    .soft(outcome.kernelFiles, "binfmt_misc entries after the runs")
    .toEqual(["register", "status"]);
  expect.soft(outcome.binfmtStatus).toBe("enabled");
}

describe("the corpus", () => {
  it("holds at least 60 configs, each listed in corpus.ts exactly once", async () => {
    const files = (await readdir(CONFIGS)).sort();
    expect(files.length).toBeGreaterThanOrEqual(60);
    expect(HOSTILE_CASES.map((c) => c.file).sort()).toEqual(files);
  });
});

describe("hostile configs: exit 1, a positioned message, no stack trace, no kernel or disk change", () => {
  it.each(HOSTILE_CASES.map((c) => [c.file, c] as const))("%s", (_, hostile) => {
    const outcome = outcomeOf(hostile.file);
    expectCleanRefusal(outcome, hostile.says);
    const firstLine = outcome.validate.stderr.split("\n")[0] ?? "";
    const display = outcome.display;
    if (hostile.at === "file")
      expect.soft(firstLine.startsWith(`Error: ${display}: `), firstLine).toBe(true);
    else if (hostile.at === null) expect.soft(firstLine).toContain(display);
    else
      expect
        .soft(
          firstLine.startsWith(
            `Error: ${display}:${hostile.at}${hostile.at.includes(":") ? ": " : ":"}`,
          ),
          firstLine,
        )
        .toBe(true);

    // The JSON error document carries the same position for tools.
    let document: {
      error?: { kind?: string; problems?: { position: { line?: number; column?: number } }[] };
    } = {};
    expect
      .soft(
        () => (document = JSON.parse(outcome.plan.stdout)),
        `plan --json stdout: ${outcome.plan.stdout.slice(0, 500)}`,
      )
      .not.toThrow();
    expect.soft(document.error?.kind).toBe("ConfigError");
    if (hostile.at !== null && hostile.at !== "file") {
      const [line, column] = hostile.at.split(":").map(Number);
      expect.soft(document.error?.problems?.[0]?.position.line).toBe(line);
      if (column !== undefined)
        expect.soft(document.error?.problems?.[0]?.position.column).toBe(column);
    }
  });

  it("no error message echoes the lines of a stack a config's own error carried", () => {
    const outcome = outcomeOf("98-ts-error-with-fake-stack.ts.txt");
    expect(outcome.validate.stderr).not.toContain("/etc/shadow");
    expect(outcome.validate.stderr).not.toContain("id_rsa");
  });
});

describe("hostile situations: refused before anything is read or written", () => {
  it.each(SITUATIONS.map((s) => [s.name, s] as const))("%s", (_, situation) => {
    const outcome = outcomeOf(situation.name);
    expectCleanRefusal(outcome, situation.says);
    expect.soft(outcome.validate.stderr.split("\n")[0]).toMatch(/^Error: config file /);
  });

  it("no default install, state or cache directory was created by any run", async () => {
    expect(await Promise.all(defaultPlaces(h).map(exists))).toEqual(defaultPlacesBefore);
  });
});
