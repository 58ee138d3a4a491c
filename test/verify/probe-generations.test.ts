// Every target's probe programs under the real emulators of three QEMU generations, run directly
// (test/e2e/probes.test.ts goes through the kernel with the CLI): each generation answers as
// measured — 7.2 lacks five calls, 10.0 three, 11.1 two — on every architecture, so a wrong
// number or a wrong error convention on any target shows up as a wrong answer.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROBES } from "../../src/currency/probes.js";
import { mapInPool } from "../../src/verify/pool.js";
import { judgeProbe } from "../../src/verify/probe-judge.js";
import { runExecutable } from "../../src/verify/run-executable.js";
import { probeProgramFor, syscallAbiFor } from "../../src/verify/test-programs.js";
import { FETCHED_TARGETS, GENERATIONS, generationDir } from "../helpers/generations.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "qus-probe-generations-"));
  for (const target of FETCHED_TARGETS) {
    for (const probe of PROBES) {
      await writeFile(join(dir, `${target}-${probe.syscall}`), probeProgramFor(target, probe)!, {
        mode: 0o755,
      });
    }
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("probe programs under three QEMU generations", () => {
  it.each(GENERATIONS.map((g) => [g.suite, g.qemu, g] as const))(
    "%s (QEMU %s): every target answers as measured",
    async (suite, _qemu, generation) => {
      const emulators = generationDir(suite);
      const runs = FETCHED_TARGETS.flatMap((target) => PROBES.map((probe) => ({ target, probe })));
      const answers = await mapInPool(runs, 4, async ({ target, probe }) => {
        const run = await runExecutable(
          join(emulators, `qemu-${target}-static`),
          [join(dir, `${target}-${probe.syscall}`)],
          { timeoutMs: 20_000 },
        );
        return judgeProbe(target, probe, syscallAbiFor(target)!, run);
      });
      const missing = new Set<string>(generation.missing);
      const expected = runs.map(({ target, probe }) => ({
        target,
        syscall: probe.syscall,
        outcome: missing.has(probe.syscall) ? "missing" : "supported",
      }));
      expect(
        runs.map(({ target, probe }, i) => ({
          target,
          syscall: probe.syscall,
          outcome: answers[i]!.outcome,
        })),
      ).toEqual(expected);
    },
  );
});
