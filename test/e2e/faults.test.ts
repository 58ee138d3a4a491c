// Fault injection: apply is killed with SIGKILL at many different points (after every step via
// the documented QUS_FAULT_AFTER_STEP hook, and at seeded random instants), moving between
// configs that install, replace, disable and remove. After every kill: each registered qemu-*
// entry names a complete emulator; the next apply converges; then plan says "No changes".
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseConfig, openHarness, type Harness } from "./harness.js";
import { registeredInterpretersIntact, seededRandom, spawnQus } from "./safety-spawn.js";

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Configs visited in turn: each move installs, replaces (flags and F pins), disables and removes. */
const persist = () => ({ persist: true, binfmtDDir: join(h.dir, "binfmt.d") });
const configs = () => [
  baseConfig(h.dir, { targets: ["aarch64", "riscv64", "arm"], ...persist() }),
  baseConfig(h.dir, {
    targets: [{ name: "aarch64", flags: "OF" }, "s390x", { name: "riscv64", enabled: false }],
    ...persist(),
  }),
  baseConfig(h.dir, { targets: [], ...persist() }),
];

interface Trial {
  readonly label: string;
  readonly env?: Record<string, string>;
  readonly killAfterMs?: number;
}

/** Runs one trial from the current state to config `index`; returns whether apply was really killed, and how long it ran. */
async function trial(index: number, t: Trial): Promise<{ killed: boolean; elapsedMs: number }> {
  await h.writeConfig(configs()[index % 3]!);
  const started = Date.now();
  const run = spawnQus(
    h.sandbox,
    h.dir,
    ["apply", "--auto-approve", "--lock-timeout", "20"],
    t.env,
  );
  const timer =
    t.killAfterMs === undefined
      ? undefined
      : setTimeout(() => run.child.kill("SIGKILL"), t.killAfterMs);
  const result = await run.done;
  const elapsedMs = Date.now() - started;
  clearTimeout(timer);
  const killed = result.signal === "SIGKILL";
  if (!killed) expect(result.code, `${t.label}: ${result.stderr}`).toBe(0);

  expect(registeredInterpretersIntact(h.sandbox), `${t.label}: right after the kill`).toEqual([]);
  const converge = await h.qus("apply", "--auto-approve", "--lock-timeout", "20");
  expect(converge.code, `${t.label}: converging apply failed:\n${converge.stderr}`).toBe(0);
  const plan = await h.qus("plan", "--detailed-exitcode");
  expect(plan.code, `${t.label}: plan after converging:\n${plan.stdout}`).toBe(0);
  expect(plan.stdout).toContain("No changes. binfmt_misc matches the configuration.");
  expect(registeredInterpretersIntact(h.sandbox), `${t.label}: after converging`).toEqual([]);
  return { killed, elapsedMs };
}

describe("kill -9 during apply", () => {
  it("after every step (QUS_FAULT_AFTER_STEP=1..N) on each move between configs: converges, never a partial emulator", async () => {
    let kills = 0;
    const missed: string[] = [];
    let index = 0;
    for (let n = 1; n <= 10; n++) {
      // Three moves per step number: install-heavy, replace/disable, remove-everything.
      for (let move = 0; move < 3; move++) {
        index += 1;
        if (
          (
            await trial(index, {
              label: `move to config ${index % 3}, kill after step ${n}`,
              env: { QUS_FAULT_AFTER_STEP: String(n) },
            })
          ).killed
        )
          kills += 1;
        else missed.push(`config ${index % 3} step ${n}`);
      }
    }
    // A trial whose step number exceeds the move's step count completes instead (still checked).
    // Every move has at least 6 steps, so at least 18 of the 30 trials must be real kills.
    expect(
      kills,
      `apply completed instead of being killed at: ${missed.join(", ")}`,
    ).toBeGreaterThanOrEqual(18);
  }, 300_000);

  it("at seeded random instants until 15 land inside an apply: converges, never a partial emulator", async () => {
    const random = seededRandom(20_250_101);
    let index = 100;
    let kills = 0;
    let attempts = 0;
    // How long an apply runs depends on the machine and its load: every apply that finishes
    // before its kill tells us, and later instants are drawn within that window.
    let windowMs = 800;
    while (kills < 15 && attempts < 60) {
      attempts += 1;
      index += 1;
      const killAfterMs = Math.round(40 + random() * windowMs);
      const outcome = await trial(index, {
        label: `move to config ${index % 3}, SIGKILL after ${killAfterMs} ms`,
        killAfterMs,
      });
      if (outcome.killed) kills += 1;
      else windowMs = Math.max(100, Math.min(windowMs, outcome.elapsedMs));
    }
    expect(
      kills,
      `only ${kills} of ${attempts} timed kills landed inside an apply`,
    ).toBeGreaterThanOrEqual(15);
  }, 300_000);
});
