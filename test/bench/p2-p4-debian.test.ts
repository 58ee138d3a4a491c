// P4's verdict: the summed memory of node and its children, not the largest single process.
import { describe, expect, test } from "vitest";
import { memoryLines, type ExtractFigure } from "../../bench/p2-p4-debian.js";
import { ratioFigure } from "../../bench/stats.js";

function figure(systemTools: boolean, treeSumMaxRssKiB: number[]): ExtractFigure {
  const data = {
    scenario: "5 targets",
    targets: ["aarch64", "arm", "riscv64", "ppc64le", "s390x"],
    systemTools,
    decoder: systemTools ? "/usr/bin/xz" : "xz-decompress (WebAssembly)",
    qusMs: [2000, 2100, 2200],
    dpkgMs: [3300, 3400, 3500],
    nodeMaxRssKiB: [110 * 1024, 112 * 1024, 111 * 1024],
    treeMaxRssKiB: [110 * 1024, 112 * 1024, 111 * 1024],
    treeSumMaxRssKiB,
    dpkgMaxRssKiB: [126 * 1024, 126 * 1024, 126 * 1024],
  };
  return { ...ratioFigure("P3", data.qusMs, data.dpkgMs), data };
}

describe("memoryLines", () => {
  test("judges the worst summed peak against the target and prints node alone and the largest process beside it", () => {
    const [human, machine] = memoryLines(figure(true, [129 * 1024, 160 * 1024, 130 * 1024]), 150);
    expect(human).toMatch(
      /^P4 {2}peak RSS of the cold install of 5 targets \(decoder \/usr\/bin\/xz\): 160 MB, node and its children together \(MISSES target <= 150 MB/,
    );
    expect(human).toContain("node alone 112 MB, largest single process 112 MB; dpkg-deb -x 126 MB");
    expect(machine).toBe(
      "BENCH P4 peak_mb=160 sum_mb=160 node_mb=112 largest_process_mb=112 baseline_mb=126 n=3 median_sum_mb=130 decoder=/usr/bin/xz target=150 pass=no",
    );
  });

  test("the bundled decoder's figure is P4.bundled", () => {
    const [human, machine] = memoryLines(figure(false, [140 * 1024]), 150);
    expect(human).toMatch(
      /^P4\.bundled .*: 140 MB, node and its children together \(meets target <= 150 MB/,
    );
    expect(machine).toMatch(/^BENCH P4\.bundled peak_mb=140 .* pass=yes$/);
  });
});
