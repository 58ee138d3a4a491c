// The search over xz blocks, on its own: the rules case by case, then a simulation of decoders
// following it through random archives (sorted: it must find every wanted path; not sorted: it
// must find them or give up, never loop), the way extract-blocks.ts drives it.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  blockAt,
  candidateBlocks,
  comparePaths,
  nextStep,
  SearchState,
  shouldReadOn,
  type FirstEntry,
  type SearchView,
} from "../../../src/sources/debian/block-search.js";

const view = (
  first: FirstEntry[],
  pending: string[],
  extra: Partial<SearchView> = {},
): SearchView => ({
  first,
  scanned: first.map(() => false),
  pending,
  active: [],
  ...extra,
});

describe("comparePaths", () => {
  test("orders as a sorted tree walk (dpkg-deb, tar --sort=name): a directory's entries before a longer sibling", () => {
    const paths = [
      "usr/bin-extra",
      "usr/bin/zz",
      "",
      "usr/bin",
      "usr",
      "usr/bin/a",
      "usr/share/doc/x",
      "usr/bin.d/y",
    ];
    expect([...paths].sort(comparePaths)).toEqual([
      "",
      "usr",
      "usr/bin",
      "usr/bin/a",
      "usr/bin/zz",
      "usr/bin-extra",
      "usr/bin.d/y",
      "usr/share/doc/x",
    ]);
    expect(comparePaths("a/b", "a/b")).toBe(0);
  });

  test("agrees with GNU tar --sort=name on a tree with such names", () => {
    const dir = mkdtempSync(join(tmpdir(), "qus-order-"));
    try {
      for (const d of ["usr/bin", "usr/bin.d", "usr/bin-extra", "usr/share/doc"])
        mkdirSync(join(dir, d), { recursive: true });
      for (const f of [
        "usr/bin/zz",
        "usr/bin/a",
        "usr/bin.d/y",
        "usr/bin-extra/q",
        "usr/share/doc/x",
        "usr/bin0",
      ])
        writeFileSync(join(dir, f), "");
      const tar = execFileSync("tar", ["-cf", "-", "--sort=name", "-C", dir, "."]);
      const listed = execFileSync("tar", ["-tf", "-"], { input: tar, encoding: "utf8" })
        .trim()
        .split("\n");
      const paths = listed.map((p) => p.replace(/^\.\/?/, "").replace(/\/$/, ""));
      expect(paths).toContain("usr/bin-extra/q");
      expect([...paths].sort(comparePaths)).toEqual(paths);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("candidateBlocks", () => {
  test("a sorted archive's first entries bound where a path's header can be", () => {
    const first: FirstEntry[] = ["a", undefined, "m", null, undefined, "x"];
    expect(candidateBlocks(first, "b")).toEqual({ lo: 0, hi: 1, unknown: [1] });
    expect(candidateBlocks(first, "m")).toEqual({ lo: 2, hi: 4, unknown: [4] });
    expect(candidateBlocks(first, "z")).toEqual({ lo: 5, hi: 5, unknown: [] });
    expect(candidateBlocks([undefined, undefined, undefined], "q")).toEqual({
      lo: 0,
      hi: 2,
      unknown: [1, 2],
    });
  });

  test("a path sorting before a block it must be after gives an empty range (not sorted)", () => {
    const { lo, hi } = candidateBlocks(["m", "c", undefined], "d");
    expect(hi).toBeLessThan(lo);
  });
});

describe("nextStep", () => {
  test("starts with a reader from the start and a probe in the middle", () => {
    const first: FirstEntry[] = Array.from({ length: 16 }, () => undefined);
    expect(nextStep(view(first, ["p"]))).toEqual({ kind: "start", block: 0 });
    const withReader = view(first, ["p"], { active: [{ id: 0, start: 0, block: 0 }] });
    expect(nextStep(withReader)).toEqual({ kind: "start", block: 9 }); // the middle of 2..15 (the reader covers 0 and 1)
  });

  test("decodes a block known to hold a wanted path first, unless a decoder is in it or just before it", () => {
    const first: FirstEntry[] = ["", "c", "h", "q", undefined];
    expect(nextStep(view(first, ["d"]))).toEqual({ kind: "start", block: 1 });
    expect(nextStep(view(first, ["d"], { active: [{ id: 0, start: 0, block: 0 }] }))).toEqual({
      kind: "wait",
    });
  });

  test("probes the unknown range of the last pending path", () => {
    const first: FirstEntry[] = [
      "",
      undefined,
      undefined,
      "k",
      undefined,
      undefined,
      undefined,
      undefined,
    ];
    const next = nextStep(view(first, ["b", "m"], { active: [{ id: 0, start: 0, block: 0 }] }));
    expect(next).toEqual({ kind: "start", block: 6 });
  });

  test("gives up when the archive is not sorted, or a path is not where sorting puts it", () => {
    expect(nextStep(view(["m", "c"], ["d"]))).toMatchObject({
      kind: "give-up",
      reason: expect.stringMatching(/not sorted/),
    });
    const scanned = view(["", "c", "h"], ["d"], { scanned: [true, true, false] });
    expect(nextStep(scanned)).toMatchObject({
      kind: "give-up",
      reason: expect.stringMatching(/not in blocks 1..1/),
    });
    expect(
      nextStep(view(["", "c", "h"], ["d"], { scanned: [true, false, true], active: [] })),
    ).toEqual({ kind: "start", block: 1 });
  });

  test("waits when nothing is pending", () => {
    expect(nextStep(view([undefined, undefined], []))).toEqual({ kind: "wait" });
  });
});

describe("shouldReadOn", () => {
  const first: FirstEntry[] = ["", undefined, "h", undefined, "t"];
  test("a probe reads on only into a block that must hold a pending path", () => {
    const probe = { id: 1, start: 2, block: 2 };
    expect(shouldReadOn(view(first, ["j"]), probe, 2)).toBe(false); // "j" may be in block 2 or 3
    expect(shouldReadOn(view(["", undefined, "h", "k", "t"], ["j"]), probe, 2)).toBe(true);
    expect(shouldReadOn(view(["", undefined, "h", "k", "t"], ["j"]), probe, 3)).toBe(false);
  });

  test("the reader from the start reads on while a pending path may be ahead", () => {
    const reader = { id: 0, start: 0, block: 1 };
    expect(shouldReadOn(view(first, ["b"]), reader, 1)).toBe(true);
    expect(shouldReadOn(view(first, ["j"]), reader, 1)).toBe(false);
  });

  test("two decoders in one block: the later one stops", () => {
    const located: FirstEntry[] = ["", "c", "h"];
    const a = { id: 0, start: 0, block: 1 };
    const b = { id: 1, start: 1, block: 1 };
    expect(shouldReadOn(view(located, ["d"], { active: [a, b] }), b, 1)).toBe(false);
    expect(shouldReadOn(view(located, ["d"], { active: [a, b] }), a, 1)).toBe(true);
  });
});

describe("blockAt and SearchState", () => {
  test("blockAt finds the block of an offset", () => {
    const starts = [0, 100, 200, 300];
    expect([0, 99, 100, 250, 300, 10_000].map((o) => blockAt(starts, o))).toEqual([
      0, 0, 1, 2, 3, 3,
    ]);
  });

  test("a decoder's headers tell each block's first entry, blocks without one, and what was fully seen", () => {
    const state = new SearchState([0, 100, 200, 300, 400], ["x"]);
    state.sawHeader(1, 1, true, 2, "m"); // started at block 1, first header in block 2
    expect(state.first).toEqual([undefined, null, "m", undefined, undefined]);
    expect(state.scanned).toEqual([false, true, false, false, false]);
    state.sawHeader(1, 2, false, 2, "n"); // same block: nothing new
    state.sawAllBefore(1, 2, 4); // next header in block 4: block 3 has none
    expect(state.first).toEqual([undefined, null, "m", null, undefined]);
    expect(state.scanned).toEqual([false, true, true, true, false]);
    expect(state.view().pending).toEqual(["x"]);
  });
});

// ---- simulation: decoders following the search over an abstract archive ----

interface Entry {
  readonly path: string;
  readonly header: number;
  readonly size: number;
}

function archive(paths: readonly string[], sizes: readonly number[]): Entry[] {
  let at = 0;
  return paths.map((path, i) => {
    const entry = { path, header: at, size: sizes[i] as number };
    at += 512 + Math.ceil(entry.size / 512) * 512;
    return entry;
  });
}

/** Runs decoders round-robin, an entry per turn, exactly as runDecoder does; returns what was found. */
function simulate(
  entries: readonly Entry[],
  blockSize: number,
  wanted: readonly string[],
  slots: number,
) {
  const end =
    (entries.at(-1)?.header ?? 0) + 512 + Math.ceil((entries.at(-1)?.size ?? 0) / 512) * 512 + 1024;
  const starts = Array.from({ length: Math.ceil(end / blockSize) }, (_, k) => k * blockSize);
  const state = new SearchState(starts, wanted);
  const found = new Set<string>();
  const runs = new Map<
    number,
    { id: number; start: number; block: number; index: number; current: number; first: boolean }
  >();
  let nextId = 0;
  let gaveUp = false;
  let decoded = 0;
  const schedule = (): void => {
    while (!gaveUp && state.pending.size > 0 && runs.size < slots) {
      const step = nextStep(state.view());
      if (step.kind === "give-up") {
        gaveUp = true;
        return;
      }
      if (step.kind === "wait") return;
      const index = entries.findIndex((e) => e.header >= (starts[step.block] as number));
      const run = {
        id: nextId++,
        start: step.block,
        block: step.block,
        index,
        current: step.block,
        first: true,
      };
      runs.set(run.id, run);
      state.active.set(run.id, run);
      if (index < 0) {
        state.sawAllBefore(step.block, step.block - 1, starts.length);
        runs.delete(run.id);
        state.active.delete(run.id);
      }
    }
  };
  schedule();
  for (let turn = 0; runs.size > 0 && !gaveUp && state.pending.size > 0; turn++) {
    if (turn > 10_000) throw new Error("the search does not end");
    for (const run of [...runs.values()]) {
      const entry = entries[run.index] as Entry;
      const block = state.blockAt(entry.header);
      state.sawHeader(run.start, run.current, run.first, block, entry.path);
      run.first = false;
      run.current = block;
      if (state.pending.has(entry.path)) {
        state.pending.delete(entry.path);
        found.add(entry.path);
      }
      const nextHeader = entry.header + 512 + Math.ceil(entry.size / 512) * 512;
      decoded += nextHeader - Math.max(entry.header, starts[run.start] as number);
      const next = state.blockAt(nextHeader);
      state.sawAllBefore(run.start, run.current, next);
      run.block = next;
      run.index++;
      const stop = run.index >= entries.length || !shouldReadOn(state.view(), run, next);
      if (run.index >= entries.length) state.sawAllBefore(run.start, run.current, starts.length);
      if (stop) {
        runs.delete(run.id);
        state.active.delete(run.id);
      }
      schedule();
      if (gaveUp || state.pending.size === 0) break;
    }
  }
  return { found, gaveUp, decoded, total: end };
}

const names = fc.uniqueArray(fc.stringMatching(/^[a-z0-9_-]{1,12}$/), {
  minLength: 2,
  maxLength: 60,
});

describe("the search, simulated", () => {
  test("the real bookworm layout: five targets in about a third of what reading from the start decodes", () => {
    const targets = [
      "aarch64",
      "aarch64_be",
      "alpha",
      "arm",
      "armeb",
      "cris",
      "hexagon",
      "hppa",
      "i386",
      "loongarch64",
      "m68k",
      "microblaze",
      "microblazeel",
      "mips",
      "mips64",
      "mips64el",
      "mipsel",
      "mipsn32",
      "mipsn32el",
      "nios2",
      "or1k",
      "ppc",
      "ppc64",
      "ppc64le",
      "riscv32",
      "riscv64",
      "s390x",
      "sh4",
      "sh4eb",
      "sparc",
      "sparc32plus",
      "sparc64",
      "x86_64",
      "xtensa",
      "xtensaeb",
    ];
    const paths = ["", "usr/", "usr/bin/", ...targets.map((t) => `usr/bin/qemu-${t}-static`)];
    const sizes = [0, 0, 0, ...targets.map((_, i) => 10_000_000 + ((i * 7919) % 3_000_000))];
    const entries = archive(paths, sizes);
    const wanted = ["aarch64", "arm", "riscv64", "ppc64le", "s390x"].map(
      (t) => `usr/bin/qemu-${t}-static`,
    );
    const result = simulate(entries, 24 * 1024 * 1024, wanted, 2);
    expect(result.gaveUp).toBe(false);
    expect([...result.found].sort()).toEqual([...wanted].sort());
    const sequential = (entries.find((e) => e.path.includes("s390x")) as Entry).header;
    expect(result.decoded).toBeLessThan(sequential * 0.5);
  });

  // Paths, member sizes, xz block size (KiB), decoders running at once, and picks of wanted paths.
  const scenario = [
    names,
    fc.array(fc.integer({ min: 0, max: 400_000 }), { minLength: 60, maxLength: 60 }),
    fc.integer({ min: 16, max: 512 }),
    fc.integer({ min: 1, max: 4 }),
    fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
  ] as const;

  test("property: in a sorted archive every wanted path is found, whatever the sizes, blocks and decoder count", () => {
    fc.assert(
      fc.property(...scenario, (unsorted, sizes, blockKiB, slots, picks) => {
        const paths = [...unsorted].sort();
        const entries = archive(paths, sizes);
        const wanted = [...new Set(picks.map((p) => paths[p % paths.length] as string))];
        const result = simulate(entries, blockKiB * 1024, wanted, slots);
        expect(result.gaveUp).toBe(false);
        expect([...result.found].sort()).toEqual([...wanted].sort());
      }),
      { numRuns: 300 },
    );
  });

  test("property: in an unsorted archive it finds every wanted path or gives up, and always ends", () => {
    fc.assert(
      fc.property(...scenario, (paths, sizes, blockKiB, slots, picks) => {
        const entries = archive(paths, sizes);
        const wanted = [...new Set(picks.map((p) => paths[p % paths.length] as string))];
        const result = simulate(entries, blockKiB * 1024, wanted, slots);
        if (!result.gaveUp) expect([...result.found].sort()).toEqual([...wanted].sort());
      }),
      { numRuns: 300 },
    );
  });
});
