// The figures the bench prints: medians, spreads, ratios and the machine-readable line scripts parse.
import { describe, expect, it } from "vitest";
import { benchLine, median, ratioFigure, summarise } from "../../bench/stats.js";

describe("bench statistics", () => {
  it("median is a measured value, the lower middle for an even count", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(() => median([])).toThrow();
  });

  it("summarise reports extremes and the interquartile spread relative to the median", () => {
    const s = summarise([10, 12, 11, 13, 100]);
    expect(s).toMatchObject({ n: 5, median: 12, min: 10, max: 100 });
    expect(s.spreadPct).toBeCloseTo((100 * (13 - 11)) / 12);
  });

  it("a ratio figure divides the medians and refuses unpaired series", () => {
    const f = ratioFigure("P1", [300, 310, 290], [100, 110, 90]);
    expect(f.ratio).toBeCloseTo(3);
    expect(() => ratioFigure("P1", [1, 2], [1])).toThrow(/P1/);
  });

  it("the BENCH line is one token per value, no spaces inside values", () => {
    expect(
      benchLine("P2", { ratio: 0.2934, qus_ms: 1715, decoder: "xz-decompress (WebAssembly)" }),
    ).toBe("BENCH P2 ratio=0.29 qus_ms=1715 decoder=xz-decompress_(WebAssembly)");
  });
});
