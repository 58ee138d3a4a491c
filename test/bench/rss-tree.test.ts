// The bench's process-tree memory sampler (P4): /proc parsing, and a live tree of processes whose
// summed resident memory it must see.
import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, test } from "vitest";
import {
  descendants,
  parseChildren,
  parseVmRssKiB,
  rssOf,
  sampleTreeRss,
} from "../../bench/rss-tree.js";

describe("parsing /proc", () => {
  test("VmRSS in KiB, or null without one (a zombie has none)", () => {
    expect(
      parseVmRssKiB("Name:\tnode\nVmHWM:\t  120000 kB\nVmRSS:\t  104512 kB\nRssAnon:\t 1 kB\n"),
    ).toBe(104512);
    expect(parseVmRssKiB("Name:\tnode\nState:\tZ (zombie)\n")).toBeNull();
  });

  test("children lists are space-separated pids", () => {
    expect(parseChildren("12 345 \n")).toEqual([12, 345]);
    expect(parseChildren("")).toEqual([]);
  });
});

describe("sampling a process tree", () => {
  test("finds grandchildren and sums their resident memory; the peak covers them", async () => {
    // sh -> (sleep, sleep): the root's descendants are sh and both sleeps.
    const root = spawn("sh", ["-c", "sleep 30 & sleep 30 & wait"], { stdio: "ignore" });
    const exited = new Promise((resolve) => root.on("exit", resolve));
    const sampler = sampleTreeRss(process.pid, 5);
    let tree: number[] = [];
    try {
      for (let i = 0; i < 100 && tree.length < 2; i++) {
        await sleep(20);
        tree = descendants(root.pid as number);
      }
      expect(tree).toHaveLength(2);
      const names = rssOf([root.pid as number, ...tree])
        .map((p) => p.name)
        .sort();
      expect(names).toEqual(["sh", "sleep", "sleep"]);
      await sleep(30);
      const peak = sampler.stop();
      const now = rssOf([root.pid as number, ...tree]).reduce((sum, p) => sum + p.rssKiB, 0);
      expect(peak.samples).toBeGreaterThan(0);
      expect(peak.peakSumKiB).toBeGreaterThanOrEqual(now);
      expect(peak.atPeak.map((p) => p.name)).toEqual(expect.arrayContaining(["sh", "sleep"]));
    } finally {
      sampler.stop();
      for (const pid of tree) process.kill(pid); // sh reaps them, then exits
      if (tree.length === 0) root.kill();
      await exited;
    }
  });
});
