// Properties of RPM version comparison: a total preorder (reflexive, antisymmetric, transitive,
// consistent with its own equality) over generated versions and arbitrary strings; the answers of
// a table of real Fedora version pairs; and the same answers as rpm's own rpm.vercmp() (run through
// `rpm --eval` with Lua, all pairs in one call) on 10,000 generated versions and EVRs.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compareEvr,
  formatEvr,
  parseEvr,
  rpmVersionCompare,
} from "../../src/sources/fedora/version.js";

const RUNS = 10_000;

// Pieces that exercise every rule: "~" sorts before everything (even the end), "^" after the end
// but before anything else, digit runs compare numerically with leading zeros ignored, numbers beat
// letters, and every other character (".", "_", "+", non-ASCII) only separates.
const piece = fc.oneof(
  fc.constantFrom(
    "~",
    "^",
    ".",
    "_",
    "+",
    "a",
    "b",
    "Z",
    "rc",
    "git",
    "fc",
    "el",
    "p",
    "0",
    "00",
    "1",
    "01",
    "9",
    "10",
    "é",
  ),
  fc.nat({ max: 99999 }).map(String),
  fc.stringMatching(/^[A-Za-z0-9._+~^]{1,3}$/),
);
/** A version or release as rpm reads it: anything but "-" and ":" (which split an EVR). */
const version = fc.array(piece, { minLength: 1, maxLength: 6 }).map((p) => p.join(""));
const anyString = fc.oneof(
  version,
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 12 }),
);
/** What a Fedora build is named by: [epoch:]version-release with the characters rpm allows there. */
const evrPart = fc
  .array(
    fc.oneof(
      fc.constantFrom("~", "^", ".", "_", "+", "rc", "fc41", "0", "1", "10"),
      fc.stringMatching(/^[A-Za-z0-9]{1,3}$/),
    ),
    { minLength: 1, maxLength: 5 },
  )
  .map((p) => p.join(""));
const evr = fc.record({
  epoch: fc.oneof(fc.constant(0), fc.nat({ max: 3 }), fc.nat({ max: 1000 })),
  version: evrPart,
  release: evrPart,
});

// Real pairs from Fedora's qemu and friends, with the answer rpm gives (`rpm --eval` agrees, below).
const KNOWN: ReadonlyArray<readonly [string, string, -1 | 0 | 1]> = [
  ["9.1.2-3.fc41", "9.1.2-10.fc41", -1],
  ["9.1.2-3.fc41", "9.1.1-30.fc41", 1],
  ["2:9.1.2-3.fc41", "9.2.0-1.fc41", 1],
  ["9.1.0-0.1.rc1.fc41", "9.1.0-1.fc41", -1],
  ["9.1.0~rc1-1.fc41", "9.1.0-1.fc41", -1],
  ["9.1.0^20240101git1-1.fc41", "9.1.0-1.fc41", 1],
  ["9.1.0^20240101git1-1.fc41", "9.1.1-1.fc41", -1],
  ["8.2.0-11.el9_3", "8.2.0-11.el9", 1],
  ["1.0-1.fc41", "1.0-1.fc41.1", -1],
  ["7.2.0-5.fc39", "7.2.0-5.fc40", -1],
  ["10.0001-1", "10.1-1", 0],
  ["1.0-1", "0:1.0-1", 0],
  ["1.0a-1", "1.0-1", 1],
  ["1.0.a-1", "1.0-1", 1],
  ["1.0~a-1", "1.0-1", -1],
  ["1.0_1-1", "1.0.1-1", 0],
];

describe("rpmVersionCompare and compareEvr (10,000 generated cases per property)", () => {
  it("is reflexive and antisymmetric, on versions and on any string", () => {
    fc.assert(
      fc.property(anyString, anyString, (a, b) => {
        expect(rpmVersionCompare(a, a)).toBe(0);
        expect(rpmVersionCompare(a, `${a}`.slice(0))).toBe(0);
        expect(rpmVersionCompare(a, b)).toBe(-rpmVersionCompare(b, a) || 0);
      }),
      { numRuns: RUNS },
    );
  });

  it("is transitive, and versions it calls equal compare alike with every other", () => {
    fc.assert(
      fc.property(anyString, anyString, anyString, (a, b, c) => {
        const [x, y, z] = [a, b, c].sort(rpmVersionCompare) as [string, string, string];
        expect(rpmVersionCompare(x, y)).toBeLessThanOrEqual(0);
        expect(rpmVersionCompare(y, z)).toBeLessThanOrEqual(0);
        expect(rpmVersionCompare(x, z)).toBeLessThanOrEqual(0);
        if (rpmVersionCompare(a, b) === 0)
          expect(rpmVersionCompare(a, c)).toBe(rpmVersionCompare(b, c));
      }),
      { numRuns: RUNS },
    );
  });

  it("orders builds by epoch, then version, then release; EVRs survive formatting and parsing", () => {
    fc.assert(
      fc.property(evr, evr, (a, b) => {
        expect(parseEvr(formatEvr(a))).toEqual(a);
        const expected =
          a.epoch !== b.epoch
            ? Math.sign(a.epoch - b.epoch)
            : rpmVersionCompare(a.version, b.version) || rpmVersionCompare(a.release, b.release);
        expect(compareEvr(a, b)).toBe(expected);
        expect(compareEvr(a, b)).toBe(-compareEvr(b, a) || 0);
      }),
      { numRuns: RUNS },
    );
  });

  it("gives rpm's answers for real Fedora version pairs", () => {
    for (const [a, b, expected] of KNOWN) {
      expect(compareEvr(parseEvr(a)!, parseEvr(b)!), `${a} vs ${b}`).toBe(expected);
    }
    expect(rpmVercmp(KNOWN.map(([a, b]) => [a, b]))).toEqual(
      KNOWN.map(([, , expected]) => expected),
    );
  });

  it(`agrees with rpm's rpm.vercmp() on ${RUNS} generated version pairs and ${RUNS} EVR pairs`, () => {
    const versions = fc.sample(fc.tuple(version, version), { numRuns: RUNS, seed: 11 });
    // Near-equal pairs are where implementations differ: also compare versions with a small edit of themselves.
    const near = fc
      .sample(fc.tuple(version, fc.constantFrom("~", "^", "0", "a", ".0", "_", "~rc1", "^git1")), {
        numRuns: RUNS / 4,
        seed: 13,
      })
      .map(([v, edit]) => [v, `${v}${edit}`] as [string, string]);
    const evrs = fc
      .sample(fc.tuple(evr, evr), { numRuns: RUNS, seed: 17 })
      .map(([a, b]) => [a, b, formatEvr(a), formatEvr(b)] as const);
    const all = [...versions, ...near, ...evrs.map(([, , a, b]) => [a, b] as [string, string])];
    const rpm = rpmVercmp(all);
    // Not a degenerate sample: rpm saw older, equal and newer.
    expect(new Set(rpm)).toEqual(new Set([-1, 0, 1]));
    const disagreements = all
      .map(([a, b], i) => {
        const qus =
          i < versions.length + near.length
            ? rpmVersionCompare(a, b)
            : compareEvr(
                evrs[i - versions.length - near.length]![0],
                evrs[i - versions.length - near.length]![1],
              );
        return { a, b, rpm: rpm[i], qus };
      })
      .filter((r) => r.rpm !== r.qus);
    expect(disagreements.slice(0, 20)).toEqual([]);
  });
});

/**
 * rpm's own answer (-1, 0, 1) for each pair, from one `rpm --eval` running Lua over a file of
 * pairs. rpm.vercmp() compares EVRs; a string without "-" or ":" is a bare version, compared
 * exactly as rpmvercmp() compares it.
 */
function rpmVercmp(pairs: readonly (readonly [string, string])[]): number[] {
  for (const [a, b] of pairs) {
    if (a === "" || b === "" || /[\t\n\0%]/.test(a + b))
      throw new Error(`cannot pass ${JSON.stringify([a, b])} to rpm.vercmp`);
  }
  const dir = mkdtempSync(join(tmpdir(), "qus-rpmvercmp-"));
  try {
    const file = join(dir, "pairs.tsv");
    writeFileSync(file, pairs.map(([a, b]) => `${a}\t${b}\n`).join(""));
    const lua = `local out = {} for line in io.lines(${JSON.stringify(file)}) do local a, b = line:match("^(.-)\\t(.*)$") out[#out + 1] = tostring(rpm.vercmp(a, b)) end print(table.concat(out, "\\n"))`;
    const result = spawnSync("rpm", ["--eval", `%{lua: ${lua}}`], {
      encoding: "utf8",
      timeout: 60_000,
    });
    if (result.error !== undefined || result.status !== 0) {
      throw new Error(
        `running rpm --eval failed (is rpm installed? the Fedora fixtures need it too): ${result.error?.message ?? result.stderr}`,
      );
    }
    expect(result.stderr).toBe("");
    const answers = result.stdout.trim().split("\n").map(Number);
    expect(answers).toHaveLength(pairs.length);
    return answers;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
