// RPM version comparison: rpm's own rpmvercmp test table (tests/rpmvercmp.at), and EVR ordering.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  compareEvr,
  formatEvr,
  parseEvr,
  rpmVersionCompare,
} from "../../../src/sources/fedora/version.js";

// [a, b, expected] as in rpm's test suite.
const RPMVERCMP: ReadonlyArray<[string, string, -1 | 0 | 1]> = [
  ["1.0", "1.0", 0],
  ["1.0", "2.0", -1],
  ["2.0", "1.0", 1],
  ["2.0.1", "2.0.1", 0],
  ["2.0", "2.0.1", -1],
  ["2.0.1", "2.0", 1],
  ["2.0.1a", "2.0.1a", 0],
  ["2.0.1a", "2.0.1", 1],
  ["2.0.1", "2.0.1a", -1],
  ["5.5p1", "5.5p1", 0],
  ["5.5p1", "5.5p2", -1],
  ["5.5p2", "5.5p1", 1],
  ["5.5p10", "5.5p10", 0],
  ["5.5p1", "5.5p10", -1],
  ["5.5p10", "5.5p1", 1],
  ["10xyz", "10.1xyz", -1],
  ["10.1xyz", "10xyz", 1],
  ["xyz10", "xyz10", 0],
  ["xyz10", "xyz10.1", -1],
  ["xyz10.1", "xyz10", 1],
  ["xyz.4", "xyz.4", 0],
  ["xyz.4", "8", -1],
  ["8", "xyz.4", 1],
  ["xyz.4", "2", -1],
  ["2", "xyz.4", 1],
  ["5.5p2", "5.6p1", -1],
  ["5.6p1", "5.5p2", 1],
  ["5.6p1", "6.5p1", -1],
  ["6.5p1", "5.6p1", 1],
  ["6.0.rc1", "6.0", 1],
  ["6.0", "6.0.rc1", -1],
  ["10b2", "10a1", 1],
  ["10a2", "10b2", -1],
  ["1.0aa", "1.0aa", 0],
  ["1.0a", "1.0aa", -1],
  ["1.0aa", "1.0a", 1],
  ["10.0001", "10.0001", 0],
  ["10.0001", "10.1", 0],
  ["10.1", "10.0001", 0],
  ["10.0001", "10.0039", -1],
  ["10.0039", "10.0001", 1],
  ["4.999.9", "5.0", -1],
  ["5.0", "4.999.9", 1],
  ["20101121", "20101121", 0],
  ["20101121", "20101122", -1],
  ["20101122", "20101121", 1],
  ["2_0", "2_0", 0],
  ["2.0", "2_0", 0],
  ["2_0", "2.0", 0],
  ["a", "a", 0],
  ["a+", "a+", 0],
  ["a+", "a_", 0],
  ["a_", "a+", 0],
  ["+a", "+a", 0],
  ["+a", "_a", 0],
  ["_a", "+a", 0],
  ["+_", "+_", 0],
  ["_+", "+_", 0],
  ["_+", "_+", 0],
  ["+", "_", 0],
  ["_", "+", 0],
  ["1.0~rc1", "1.0~rc1", 0],
  ["1.0~rc1", "1.0", -1],
  ["1.0", "1.0~rc1", 1],
  ["1.0~rc1", "1.0~rc2", -1],
  ["1.0~rc2", "1.0~rc1", 1],
  ["1.0~rc1~git123", "1.0~rc1~git123", 0],
  ["1.0~rc1~git123", "1.0~rc1", -1],
  ["1.0~rc1", "1.0~rc1~git123", 1],
  ["1.0^", "1.0^", 0],
  ["1.0^", "1.0", 1],
  ["1.0", "1.0^", -1],
  ["1.0^git1", "1.0^git1", 0],
  ["1.0^git1", "1.0", 1],
  ["1.0", "1.0^git1", -1],
  ["1.0^git1", "1.0^git2", -1],
  ["1.0^git2", "1.0^git1", 1],
  ["1.0^git1", "1.01", -1],
  ["1.01", "1.0^git1", 1],
  ["1.0^20160101", "1.0^20160101", 0],
  ["1.0^20160101", "1.0.1", -1],
  ["1.0.1", "1.0^20160101", 1],
  ["1.0^20160101^git1", "1.0^20160101^git1", 0],
  ["1.0^20160102", "1.0^20160101^git1", 1],
  ["1.0^20160101^git1", "1.0^20160102", -1],
  ["1.0~rc1^git1", "1.0~rc1^git1", 0],
  ["1.0~rc1^git1", "1.0~rc1", 1],
  ["1.0~rc1", "1.0~rc1^git1", -1],
  ["1.0^git1~pre", "1.0^git1~pre", 0],
  ["1.0^git1", "1.0^git1~pre", 1],
  ["1.0^git1~pre", "1.0^git1", -1],
];

describe("rpmvercmp", () => {
  test.each(RPMVERCMP)("%s vs %s -> %i", (a, b, expected) => {
    expect(rpmVersionCompare(a, b)).toBe(expected);
  });

  test("antisymmetric and reflexive on version-like strings", () => {
    const version = fc.stringMatching(/^[0-9a-z.~^_+]{0,12}$/);
    fc.assert(
      fc.property(version, version, (a, b) => {
        expect(rpmVersionCompare(a, a)).toBe(0);
        expect(rpmVersionCompare(a, b)).toBe(-rpmVersionCompare(b, a) || 0);
      }),
    );
  });
});

describe("epoch:version-release", () => {
  test("parse and format as dnf prints them", () => {
    expect(parseEvr("9.1.2-3.fc41")).toEqual({ epoch: 0, version: "9.1.2", release: "3.fc41" });
    expect(parseEvr("2:9.1.2-3.fc41")).toEqual({ epoch: 2, version: "9.1.2", release: "3.fc41" });
    expect(parseEvr("9.1.2")).toBeNull();
    expect(parseEvr("latest")).toBeNull();
    expect(formatEvr({ epoch: 2, version: "9.1.2", release: "3.fc41" })).toBe("2:9.1.2-3.fc41");
    expect(formatEvr({ epoch: 0, version: "9.1.2", release: "3.fc41" })).toBe("9.1.2-3.fc41");
  });

  test("epoch first, then version, then release", () => {
    const evr = (text: string) => parseEvr(text) ?? { epoch: -1, version: "", release: "" };
    expect(compareEvr(evr("1:7.0-1.fc41"), evr("9.1.2-3.fc41"))).toBe(1);
    expect(compareEvr(evr("9.1.2-3.fc41"), evr("9.1.2-10.fc41"))).toBe(-1);
    expect(compareEvr(evr("9.2.0~rc1-1.fc41"), evr("9.1.2-3.fc41"))).toBe(1);
    expect(compareEvr(evr("9.2.0~rc1-1.fc41"), evr("9.2.0-1.fc41"))).toBe(-1);
    expect(compareEvr(evr("9.1.2-3.fc41"), evr("0:9.1.2-3.fc41"))).toBe(0);
  });
});
