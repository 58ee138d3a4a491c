// Properties of Debian version comparison: a total preorder (reflexive, antisymmetric, transitive,
// consistent with its own equality) over generated versions and over arbitrary strings, and the same
// answers as `dpkg --compare-versions` on a few hundred generated pairs (dpkg run in batches).
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compareDebianVersions,
  isValidDebianVersion,
  parseDebianVersion,
} from "../../src/sources/debian/version.js";

const RUNS = 10_000;
const DPKG_PAIRS = 400;

// Parts that exercise every rule: "~" sorts before everything (even the end), letters before
// other symbols, digit runs numerically with leading zeros ignored.
const piece = fc.oneof(
  fc.constantFrom(
    "~",
    "~~",
    "+",
    ".",
    "a",
    "b",
    "Z",
    "rc",
    "dfsg",
    "deb12u",
    "+b",
    "~rc",
    "0",
    "00",
    "1",
    "01",
    "9",
    "10",
  ),
  fc.nat({ max: 99999 }).map(String),
  fc.stringMatching(/^[A-Za-z0-9.+~]{1,3}$/),
);
const run = (min: number) =>
  fc.array(piece, { minLength: min, maxLength: 5 }).map((p) => p.join(""));
/** A well-formed Debian version (what dpkg accepts): [epoch:]upstream[-revision]. */
const debianVersion = fc
  .record({
    epoch: fc.option(
      fc.oneof(fc.constantFrom("0", "1", "2", "00", "10"), fc.nat({ max: 999 }).map(String)),
      { nil: undefined },
    ),
    firstDigit: fc.integer({ min: 0, max: 9 }).map(String),
    upstream: run(0),
    hyphenated: fc.option(run(1), { nil: undefined }),
    revision: fc.option(run(1), { nil: undefined }),
  })
  .map(({ epoch, firstDigit, upstream, hyphenated, revision }) => {
    // A hyphen inside the upstream version needs a revision after it.
    const rev = revision ?? (hyphenated !== undefined ? "1" : undefined);
    const up = `${firstDigit}${upstream}${hyphenated !== undefined ? `-${hyphenated}` : ""}`;
    return `${epoch !== undefined ? `${epoch}:` : ""}${up}${rev !== undefined ? `-${rev}` : ""}`;
  });
const anyVersion = fc.oneof(
  debianVersion,
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 12 }),
);

describe("compareDebianVersions (10,000 generated cases per property)", () => {
  it("generates only versions qus itself calls valid", () => {
    fc.assert(
      fc.property(debianVersion, (v) => {
        expect(isValidDebianVersion(v)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("is reflexive and antisymmetric, on valid versions and on any string", () => {
    fc.assert(
      fc.property(anyVersion, anyVersion, (a, b) => {
        expect(compareDebianVersions(a, a)).toBe(0);
        expect(compareDebianVersions(a, b)).toBe(-compareDebianVersions(b, a) || 0);
      }),
      { numRuns: RUNS },
    );
  });

  it("is transitive, and versions it calls equal compare alike with every other", () => {
    fc.assert(
      fc.property(anyVersion, anyVersion, anyVersion, (a, b, c) => {
        const [x, y, z] = [a, b, c].sort(compareDebianVersions) as [string, string, string];
        expect(compareDebianVersions(x, y)).toBeLessThanOrEqual(0);
        expect(compareDebianVersions(y, z)).toBeLessThanOrEqual(0);
        expect(compareDebianVersions(x, z)).toBeLessThanOrEqual(0);
        if (compareDebianVersions(a, b) === 0)
          expect(compareDebianVersions(a, c)).toBe(compareDebianVersions(b, c));
      }),
      { numRuns: RUNS },
    );
  });

  it("orders by epoch first, and never throws while splitting any string", () => {
    fc.assert(
      fc.property(debianVersion, debianVersion, fc.nat({ max: 50 }), (a, b, bump) => {
        const ea = Number(parseDebianVersion(a).epoch);
        const withEpoch = (v: string, e: number) => `${e}:${v.replace(/^\d+:/, "")}`;
        expect(compareDebianVersions(withEpoch(a, ea + bump + 1), withEpoch(b, ea))).toBe(1);
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (s) => {
        const { epoch, upstream, revision } = parseDebianVersion(s);
        expect(epoch).toMatch(/^\d+$/);
        expect(typeof upstream + typeof revision).toBe("stringstring");
      }),
      { numRuns: RUNS },
    );
  });

  it(`agrees with dpkg --compare-versions on ${DPKG_PAIRS} generated pairs`, () => {
    const pairs = fc.sample(fc.tuple(debianVersion, debianVersion), {
      numRuns: DPKG_PAIRS,
      seed: 5,
    });
    // Near-equal pairs are where implementations differ: also compare each with a small edit of itself.
    const near = fc
      .sample(fc.tuple(debianVersion, fc.constantFrom("~", "+", "0", "a", ".0", "-0", "~~")), {
        numRuns: DPKG_PAIRS / 4,
        seed: 7,
      })
      .map(
        ([v, edit]) =>
          [v, v.includes("-") && edit === "-0" ? `${v}0` : `${v}${edit}`] as [string, string],
      )
      .filter(([, w]) => isValidDebianVersion(w));
    const all = [...pairs, ...near];
    const dpkg = dpkgCompare(all);
    const disagreements = all
      .map(([a, b], i) => ({ a, b, dpkg: dpkg[i], qus: compareDebianVersions(a, b) }))
      .filter((r) => r.dpkg !== r.qus);
    expect(disagreements).toEqual([]);
  });
});

/** dpkg's answer (-1, 0, 1) for each pair, from one shell running dpkg for them all. */
function dpkgCompare(pairs: readonly [string, string][]): number[] {
  const script =
    'while IFS=" " read -r a b; do if dpkg --compare-versions "$a" lt "$b"; then echo -1; elif dpkg --compare-versions "$a" eq "$b"; then echo 0; else echo 1; fi; done';
  const result = spawnSync("sh", ["-c", script], {
    input: pairs.map(([a, b]) => `${a} ${b}\n`).join(""),
    encoding: "utf8",
    timeout: 60_000,
  });
  if (result.error !== undefined || result.status !== 0) {
    throw new Error(
      `running dpkg --compare-versions failed (is dpkg installed?): ${result.error?.message ?? result.stderr}`,
    );
  }
  expect(result.stderr).toBe(""); // dpkg warns on stderr about versions it finds malformed
  return result.stdout.trim().split("\n").map(Number);
}
