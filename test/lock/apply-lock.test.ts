// The apply lock against the real file system and real processes: exclusive, bounded wait with
// the holder named, stale locks of dead or recycled processes taken over, never two holders.
import { spawn, spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { acquireApplyLock, applyLockPath } from "../../src/lock/apply-lock.js";
import { LockError } from "../../src/errors.js";

let lockPath: string;
beforeEach(async () => {
  // The lock's directory does not exist yet: taking the lock creates it.
  lockPath = join(await mkdtemp(join(tmpdir(), "qus-lock-")), "run", "apply.lock");
});

const take = (timeoutMs = 2_000) => acquireApplyLock(lockPath, { timeoutMs, command: "qus apply" });
const bootId = () => readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
const startTimeOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]!;
};
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid!;
const writeHolder = async (record: Record<string, unknown>) =>
  mkdir(dirname(lockPath), { recursive: true }).then(() =>
    writeFile(
      lockPath,
      JSON.stringify({
        since: "2020-01-01T00:00:00.000Z",
        command: "qus apply",
        bootId: bootId(),
        ...record,
      }),
    ),
  );

describe("where the lock lives", () => {
  it("is QUS_LOCK_FILE when set, else apply.lock beside the state file", () => {
    expect(applyLockPath("/var/lib/qus/state.json", {})).toBe("/var/lib/qus/apply.lock");
    expect(applyLockPath("/var/lib/qus/state.json", { QUS_LOCK_FILE: "/run/lock/qus.lock" })).toBe(
      "/run/lock/qus.lock",
    );
  });
});

describe("the apply lock", () => {
  it("is exclusive: a second taker waits, then fails naming the holder's pid and since when", async () => {
    const held = await take();
    const record = JSON.parse(await readFile(lockPath, "utf8"));
    expect(record).toMatchObject({ pid: process.pid, command: "qus apply" });
    const started = Date.now();
    const error = await take(400).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(error).toBeInstanceOf(LockError);
    expect((error as LockError).message).toContain(
      `pid ${process.pid} (qus apply), since ${record.since}`,
    );
    expect((error as LockError).hint).toContain("--lock-timeout");
    await held.release();
    expect(existsSync(lockPath)).toBe(false);
    // The directory taking the lock created is removed again when empty: an apply that failed leaves nothing.
    expect(existsSync(dirname(lockPath))).toBe(false);
    await (await take()).release();
  });

  it("is taken as soon as the holder releases it within the wait", async () => {
    const held = await take();
    setTimeout(() => void held.release(), 200);
    const second = await take(5_000);
    expect(JSON.parse(await readFile(lockPath, "utf8")).pid).toBe(process.pid);
    await second.release();
  });

  it("waits for a live process of another program and names it", async () => {
    const sleeper = spawn("sleep", ["30"]);
    try {
      await new Promise((r) => setTimeout(r, 50));
      await writeHolder({ pid: sleeper.pid, startTime: startTimeOf(sleeper.pid!) });
      const error = (await take(300).catch((e: unknown) => e)) as LockError;
      expect(error).toBeInstanceOf(LockError);
      expect(error.message).toContain(
        `pid ${sleeper.pid} (qus apply), since 2020-01-01T00:00:00.000Z`,
      );
    } finally {
      sleeper.kill("SIGKILL");
    }
  });

  it.each([
    ["a process that died", () => ({ pid: deadPid() })],
    [
      "a pid now used by another process (start time differs)",
      () => ({ pid: process.pid, startTime: "1" }),
    ],
    [
      "a previous boot",
      () => ({ pid: process.pid, bootId: "00000000-0000-0000-0000-000000000000" }),
    ],
  ])("takes over the stale lock of %s at once", async (_what, holder) => {
    await writeHolder(holder());
    const started = Date.now();
    const held = await take(10_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(JSON.parse(await readFile(lockPath, "utf8"))).toMatchObject({
      pid: process.pid,
      bootId: bootId(),
    });
    await held.release();
  });

  it("never has two holders, even when many waiters race for a stale lock", async () => {
    await writeHolder({ pid: deadPid() });
    let inside = 0;
    let maxInside = 0;
    let rounds = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const held = await take(20_000);
        inside += 1;
        maxInside = Math.max(maxInside, inside);
        await new Promise((r) => setTimeout(r, 20));
        inside -= 1;
        rounds += 1;
        await held.release();
      }),
    );
    expect(rounds).toBe(8);
    expect(maxInside).toBe(1);
    expect(existsSync(lockPath)).toBe(false);
  });

  it("release never removes a lock that is no longer ours", async () => {
    const held = await take();
    await writeHolder({ pid: 1 });
    await held.release();
    expect(JSON.parse(await readFile(lockPath, "utf8")).pid).toBe(1);
  });
});
