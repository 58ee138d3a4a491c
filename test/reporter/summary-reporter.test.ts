// The closing `N passed, N failed` line is what CI reads: it must count broken modules, suites
// and unhandled errors as failures, come last, and leave vitest's exit code alone. Each case
// runs vitest for real on a sample file under test/reporter/samples/.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../helpers/fixtures.js";

const vitestBin = join(projectRoot, "node_modules", "vitest", "vitest.mjs");
const samplesConfig = join(projectRoot, "test", "reporter", "samples", "vitest.samples.config.ts");

interface Run {
  readonly code: number | null;
  readonly lastLine: string;
}

// Runs vitest on the samples whose names contain `filter`, outside this run's worker environment.
function runSamples(filter: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", CI: "true" };
  for (const key of Object.keys(env)) if (key.startsWith("VITEST")) delete env[key];
  const child = spawn(process.execPath, [vitestBin, "run", "--config", samplesConfig, filter], {
    cwd: projectRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.resume();
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      const lines = stdout
        .split("\n")
        .map((l) => l.trimEnd())
        .filter((l) => l !== "");
      resolve({ code, lastLine: lines.at(-1) ?? "" });
    });
  });
}

describe.concurrent("summary reporter", () => {
  it("ends a green run with the passed count, 0 failed, and exit code 0", async () => {
    expect(await runSamples("all-pass")).toEqual({ code: 0, lastLine: "2 passed, 0 failed" });
  });

  it("counts a failing test once, not again for the module it is in", async () => {
    expect(await runSamples("one-failure")).toEqual({ code: 1, lastLine: "1 passed, 1 failed" });
  });

  it("counts a module that fails to import as a failure", async () => {
    expect(await runSamples("import-error")).toEqual({ code: 1, lastLine: "0 passed, 1 failed" });
  });

  it("counts failed tests and suites whose hooks failed; skipped, todo and unrun tests as skipped", async () => {
    // 1 failing test + the beforeAll suite + the afterAll suite; 1 skip + 1 todo + 2 never run.
    expect(await runSamples("mixed")).toEqual({
      code: 1,
      lastLine: "2 passed, 3 failed, 4 skipped",
    });
  });

  it("counts an unhandled error as a failure even when every test passed", async () => {
    expect(await runSamples("unhandled")).toEqual({ code: 1, lastLine: "1 passed, 1 failed" });
  });

  it("never reports 0 failed when vitest fails the run for finding no test files", async () => {
    expect(await runSamples("matches-no-sample")).toEqual({
      code: 1,
      lastLine: "0 passed, 1 failed",
    });
  });
});
