import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  compareDebianVersions,
  isValidDebianVersion,
  parseDebianVersion,
} from "../../../src/sources/debian/version.js";

// Pairs (older, newer) from Debian policy 5.6.12 and from qemu's own version history.
const ORDERED_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ["1.0~rc1", "1.0"],
  ["1.0~~", "1.0~"],
  ["1.0~", "1.0"],
  ["1.0", "1.0+b1"],
  ["1.0", "1.0a"],
  ["1.0a", "1.0+"],
  ["1.0-1", "1.0-2"],
  ["1.0-9", "1.0-10"],
  ["1.2", "1.10"],
  ["9.9", "1:0.1"],
  ["1:7.2+dfsg-7+deb12u18+b3", "1:7.2+dfsg-7+deb12u19"],
  ["1:7.2+dfsg-7+deb12u18", "1:7.2+dfsg-7+deb12u18+b3"],
  ["1:9.2.2+ds-1", "1:10.0.2+ds-1"],
  ["1:10.0.2+ds-1", "1:10.0.2+ds-1+deb13u1"],
  ["1:10.0.2+ds-1~bpo12+1", "1:10.0.2+ds-1"],
  ["0.9", "0.10"],
  ["2.0-1", "10.0-1"],
];

describe("compareDebianVersions", () => {
  test.each(ORDERED_PAIRS)("%s < %s", (older, newer) => {
    expect(compareDebianVersions(older, newer)).toBe(-1);
    expect(compareDebianVersions(newer, older)).toBe(1);
  });

  test("treats equal versions, leading zeros and an explicit epoch 0 as equal", () => {
    expect(compareDebianVersions("1:7.2+dfsg-7", "1:7.2+dfsg-7")).toBe(0);
    expect(compareDebianVersions("1.01", "1.1")).toBe(0);
    expect(compareDebianVersions("0:1.0-1", "1.0-1")).toBe(0);
  });

  test("agrees with dpkg --compare-versions on the policy pairs", () => {
    for (const [older, newer] of ORDERED_PAIRS) {
      // dpkg exits 0 when the relation holds; execFileSync throws otherwise.
      expect(() => execFileSync("dpkg", ["--compare-versions", older, "lt", newer])).not.toThrow();
    }
  });

  const versionPart = fc.stringMatching(/^[0-9][0-9a-z.+~]{0,8}$/);
  const version = fc
    .tuple(
      fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
      versionPart,
      fc.option(fc.stringMatching(/^[0-9a-z.+~]{1,6}$/), { nil: undefined }),
    )
    .map(
      ([epoch, upstream, revision]) =>
        `${epoch === undefined ? "" : `${epoch}:`}${upstream}${revision === undefined ? "" : `-${revision}`}`,
    );

  test("is antisymmetric and reflexive (property)", () => {
    fc.assert(
      fc.property(version, version, (a, b) => {
        expect(compareDebianVersions(a, a)).toBe(0);
        expect(compareDebianVersions(a, b)).toBe(-compareDebianVersions(b, a) || 0);
      }),
    );
  });

  test("is transitive (property)", () => {
    fc.assert(
      fc.property(version, version, version, (a, b, c) => {
        const sorted = [a, b, c].sort(compareDebianVersions);
        expect(compareDebianVersions(sorted[0] as string, sorted[2] as string)).toBeLessThanOrEqual(
          0,
        );
        expect(compareDebianVersions(sorted[0] as string, sorted[1] as string)).toBeLessThanOrEqual(
          0,
        );
        expect(compareDebianVersions(sorted[1] as string, sorted[2] as string)).toBeLessThanOrEqual(
          0,
        );
      }),
    );
  });

  test("matches dpkg on random versions (property, sampled)", () => {
    fc.assert(
      fc.property(version, version, (a, b) => {
        const expected = (() => {
          try {
            execFileSync("dpkg", ["--compare-versions", a, "lt", b], { stdio: "ignore" });
            return -1;
          } catch {
            try {
              execFileSync("dpkg", ["--compare-versions", a, "eq", b], { stdio: "ignore" });
              return 0;
            } catch {
              return 1;
            }
          }
        })();
        expect(compareDebianVersions(a, b)).toBe(expected);
      }),
      { numRuns: 60 },
    );
  });

  test("never throws on arbitrary strings (property)", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect([-1, 0, 1]).toContain(compareDebianVersions(a, b));
      }),
    );
  });
});

describe("parseDebianVersion and isValidDebianVersion", () => {
  test("splits epoch, upstream and revision at the first colon and the last hyphen", () => {
    expect(parseDebianVersion("1:7.2+dfsg-7+deb12u18+b3")).toEqual({
      epoch: "1",
      upstream: "7.2+dfsg",
      revision: "7+deb12u18+b3",
    });
    expect(parseDebianVersion("2.0-1-2")).toEqual({ epoch: "0", upstream: "2.0-1", revision: "2" });
    expect(parseDebianVersion("1.0")).toEqual({ epoch: "0", upstream: "1.0", revision: "" });
  });

  test("accepts real versions and rejects malformed pins", () => {
    expect(isValidDebianVersion("1:7.2+dfsg-7+deb12u18+b3")).toBe(true);
    expect(isValidDebianVersion("10.0.2+ds-1")).toBe(true);
    expect(isValidDebianVersion("")).toBe(false);
    expect(isValidDebianVersion("latest")).toBe(false);
    expect(isValidDebianVersion("1.0-")).toBe(false);
    expect(isValidDebianVersion("1.0 -1")).toBe(false);
    expect(isValidDebianVersion("a:1.0")).toBe(false);
  });
});
