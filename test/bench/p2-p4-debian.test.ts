// P4's verdict: the largest single process (as issue 16 states P4), with the summed peak printed beside it.
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
  test("judges the largest single process against the target and prints node alone and the summed peak beside it", () => {
    const [human, machine] = memoryLines(figure(true, [129 * 1024, 160 * 1024, 130 * 1024]), 100);
    expect(human).toMatch(
      /^P4 {2}peak RSS of the cold install of 5 targets \(decoder \/usr\/bin\/xz\): largest process 112 MB \(MISSES target <= 100 MB/,
    );
    expect(human).toContain(
      "node alone 112 MB, node and its children summed 160 MB; dpkg-deb -x 126 MB",
    );
    expect(machine).toBe(
      "BENCH P4 peak_mb=112 largest_process_mb=112 node_mb=112 sum_mb=160 baseline_mb=126 n=3 median_largest_mb=111 decoder=/usr/bin/xz target=100 pass=no",
    );
  });

  test("the bundled decoder's figure is P4.bundled", () => {
    const [human, machine] = memoryLines(figure(false, [140 * 1024]), 150);
    expect(human).toMatch(/^P4\.bundled .*: largest process 112 MB \(meets target <= 150 MB/);
    expect(machine).toMatch(/^BENCH P4\.bundled peak_mb=112 .* pass=yes$/);
  });
});
