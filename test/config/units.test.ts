// The small pure pieces: flag normalisation, "did you mean", pointers and field labels, and
// the cache directory default.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { knownTargetSpellings } from "../../src/catalog/targets.js";
import { defaultCacheDir } from "../../src/config/defaults.js";
import { closestMatch, editDistance } from "../../src/config/did-you-mean.js";
import { normaliseFlags, repeatedFlags } from "../../src/catalog/flags.js";
import { fieldLabel, joinPointer, parsePointer } from "../../src/config/pointer.js";

describe("normaliseFlags", () => {
  test("known cases: kernel order, C implies O", () => {
    expect(normaliseFlags("FOP")).toBe("POF");
    expect(normaliseFlags("CF")).toBe("OCF");
    expect(normaliseFlags("C")).toBe("OC");
    expect(normaliseFlags("FP")).toBe("PF");
    expect(normaliseFlags("")).toBe("");
  });

  test("is a set operation: any order of the same letters gives the same result, idempotent", () => {
    const letters = fc.subarray(["P", "O", "C", "F"]);
    fc.assert(
      fc.property(letters, (subset) => {
        const forward = normaliseFlags(subset.join(""));
        const backward = normaliseFlags([...subset].reverse().join(""));
        expect(forward).toBe(backward);
        expect(normaliseFlags(forward)).toBe(forward);
        expect(/^P?O?C?F?$/.test(forward)).toBe(true);
        if (forward.includes("C")) expect(forward).toContain("O");
        for (const letter of subset) expect(forward).toContain(letter);
      }),
    );
  });

  test("repeatedFlags names each repeated letter once", () => {
    expect(repeatedFlags("PPF")).toEqual(["P"]);
    expect(repeatedFlags("FPFPF")).toEqual(["P", "F"]);
    expect(repeatedFlags("POCF")).toEqual([]);
  });
});

describe("did you mean", () => {
  test("a swap of neighbouring letters is one edit", () => {
    expect(editDistance("aarch46", "aarch64")).toBe(1);
    expect(editDistance("riscv", "riscv64")).toBe(2);
    expect(editDistance("ARM64", "arm64")).toBe(0);
  });

  test("suggests close target spellings, and nothing for unrelated words", () => {
    const known = knownTargetSpellings();
    expect(closestMatch("aarch46", known)).toBe("aarch64");
    expect(closestMatch("x86-46", known)).toBe("x86-64");
    expect(closestMatch("risc64", known)).toBe("riscv64");
    expect(closestMatch("armhfx", known)).toBe("armhf");
    expect(closestMatch("windows", known)).toBeUndefined();
    expect(closestMatch("z", known)).toBeUndefined();
  });

  test("edit distance is symmetric and zero only for equal (case-folded) strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, b) === 0).toBe(a.toLowerCase() === b.toLowerCase());
      }),
    );
  });
});

describe("pointers", () => {
  test("round-trip any segments, including ~ and /", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 8 }), { maxLength: 5 }), (segments) => {
        expect(parsePointer(joinPointer(segments))).toEqual(segments);
      }),
    );
  });

  test("field labels read like code", () => {
    expect(fieldLabel("")).toBe("");
    expect(fieldLabel("/targets/2/name")).toBe("targets[2].name");
    expect(fieldLabel("/source/pattern/0")).toBe("source.pattern[0]");
    expect(fieldLabel("/x-flags")).toBe('["x-flags"]');
    expect(fieldLabel("/source/$import")).toBe("source.$import");
    expect(fieldLabel("/source/sha256/a\u001b[2Jb")).toBe('source.sha256["a\\u001b[2Jb"]');
  });
});

describe("defaultCacheDir", () => {
  test("root uses /var/cache/qus whatever the environment says", () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/x" }, true, "/root")).toBe("/var/cache/qus");
  });

  test("users get $XDG_CACHE_HOME/qus, or ~/.cache/qus; a relative XDG_CACHE_HOME is ignored", () => {
    expect(
      defaultCacheDir({ XDG_CACHE_HOME: "/srv/cache", HOME: "/home/a" }, false, "/home/b"),
    ).toBe("/srv/cache/qus");
    expect(defaultCacheDir({ XDG_CACHE_HOME: "cache", HOME: "/home/a" }, false, "/home/b")).toBe(
      "/home/a/.cache/qus",
    );
    expect(defaultCacheDir({}, false, "/home/b")).toBe("/home/b/.cache/qus");
  });
});
