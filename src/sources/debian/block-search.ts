// Pure: where in a multi-block data.tar.xz to decode next to find a few wanted members without
// decoding everything before them. dpkg-deb writes data.tar in sorted order, so the path of the
// first entry that starts in each xz block splits the archive like a sorted array: a binary
// search over blocks ("probe" = decode a block until its first header) narrows where a wanted
// path can be, and only the block that holds it is then decoded. Sorting is only assumed for
// speed: when what the decoders see contradicts it, the search gives up and the caller decodes
// the archive from its start. No I/O here; the caller runs the decoders and records what they saw.

/** What is known of a block: the path of the first entry whose header starts in it (null: none does; undefined: not decoded yet). */
export type FirstEntry = string | null | undefined;

/** One decoder at work: where it started and the block it is reading now. */
export interface ActiveRun {
  readonly id: number;
  readonly start: number;
  readonly block: number;
}

/** Everything the search decides from. */
export interface SearchView {
  readonly first: readonly FirstEntry[];
  /** Blocks whose every header some decoder has seen. */
  readonly scanned: readonly boolean[];
  /** Wanted paths not found yet and not being extracted. */
  readonly pending: readonly string[];
  readonly active: readonly ActiveRun[];
}

/** The next step: start a decoder at a block, wait for a running one, or give up (decode from the start instead). */
export type NextStep =
  | { readonly kind: "start"; readonly block: number }
  | { readonly kind: "wait" }
  | { readonly kind: "give-up"; readonly reason: string };

/**
 * The order dpkg-deb writes paths in: a sorted walk of the tree, so a directory's entries come
 * before a sibling whose name extends the directory's ("usr/bin/x" < "usr/bin-x"). Negative when
 * `a` comes first.
 */
export function comparePaths(a: string, b: string): number {
  const x = a.split("/");
  const y = b.split("/");
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i] as string;
    const q = y[i] as string;
    if (p !== q) return p < q ? -1 : 1;
  }
  return x.length - y.length;
}

/** The blocks that can hold `path`'s header if the archive is sorted: [lo, hi], and which of them are not decoded yet. */
export function candidateBlocks(
  first: readonly FirstEntry[],
  path: string,
): { lo: number; hi: number; unknown: number[] } {
  let lo = 0;
  for (let k = 0; k < first.length; k++) {
    const name = first[k];
    if (typeof name === "string" && comparePaths(name, path) <= 0) lo = k;
  }
  let hi = first.length - 1;
  for (let k = first.length - 1; k >= 0; k--) {
    const name = first[k];
    if (typeof name === "string" && comparePaths(name, path) > 0) hi = k - 1;
  }
  const unknown: number[] = [];
  for (let k = lo + 1; k <= hi; k++) if (first[k] === undefined) unknown.push(k);
  return { lo, hi, unknown };
}

/** A block some decoder is in, or will enter next from the block before. */
function covered(view: SearchView, block: number): boolean {
  return view.active.some((run) => run.block === block || run.block === block - 1);
}

/**
 * What to do with a free decoder. In order: decode a block known to hold a wanted path; keep
 * one decoder reading from the start of the archive (what a plain extraction does, and the
 * quickest way to paths near the start); probe the middle of the unknown range of the last
 * pending path (the one the reader from the start is furthest from).
 */
export function nextStep(view: SearchView): NextStep {
  const pending = [...view.pending].sort(comparePaths);
  if (pending.length === 0) return { kind: "wait" };
  let probe: number | null = null;
  for (const path of pending) {
    const { lo, hi, unknown } = candidateBlocks(view.first, path);
    if (hi < lo)
      return {
        kind: "give-up",
        reason: `${path} sorts before the first entry of block ${lo}: data.tar is not sorted`,
      };
    if (unknown.length === 0) {
      const everyBlockSeen = view.scanned.slice(lo, hi + 1).every(Boolean);
      if (everyBlockSeen)
        return {
          kind: "give-up",
          reason: `${path} is not in blocks ${lo}..${hi}, where sorted order puts it`,
        };
      if (!covered(view, lo)) return { kind: "start", block: lo };
      continue;
    }
    const open = unknown.filter((block) => !covered(view, block));
    if (open.length > 0) probe = open[Math.floor(open.length / 2)] as number;
  }
  const firstPath = pending[0] as string;
  if (candidateBlocks(view.first, firstPath).lo === 0 && !view.scanned[0] && !covered(view, 0))
    return { kind: "start", block: 0 };
  if (probe !== null) return { kind: "start", block: probe };
  if (view.active.length === 0) return { kind: "give-up", reason: "no block left to look at" };
  return { kind: "wait" };
}

/**
 * Whether a decoder whose next header is in `block` should read on: that block must hold a
 * pending path's header (the archive being sorted), or, for the decoder reading from the start
 * of the archive, may hold one. Not when a decoder that started earlier is in that block too.
 */
export function shouldReadOn(view: SearchView, run: ActiveRun, block: number): boolean {
  if (view.active.some((other) => other.id < run.id && other.block === block)) return false;
  return view.pending.some((path) => {
    const { lo, hi, unknown } = candidateBlocks(view.first, path);
    if (unknown.length === 0) return lo === block;
    return run.start === 0 && lo <= block && block <= hi;
  });
}

/** A decoder at work, as the search tracks it: `block` moves as it reads. */
export interface RunPosition extends ActiveRun {
  block: number;
}

/**
 * What decoders have seen so far, updated as they read (one thread: no locking). `starts` are
 * the blocks' first uncompressed offsets.
 */
export class SearchState {
  readonly first: FirstEntry[];
  readonly scanned: boolean[];
  readonly pending: Set<string>;
  /** Wanted paths some decoder is extracting now. */
  readonly capturing = new Set<string>();
  readonly active = new Map<number, RunPosition>();

  constructor(
    readonly starts: readonly number[],
    wanted: Iterable<string>,
  ) {
    this.first = starts.map(() => undefined);
    this.scanned = starts.map(() => false);
    this.pending = new Set(wanted);
  }

  view(): SearchView {
    return {
      first: this.first,
      scanned: this.scanned,
      pending: [...this.pending],
      active: [...this.active.values()],
    };
  }

  /** The block holding uncompressed offset `offset`. */
  blockAt(offset: number): number {
    return blockAt(this.starts, offset);
  }

  /**
   * A decoder that has read every header from the start of block `from` on reads `path`'s header
   * in `block`; its previous header was in `previous` (for its first header, pass `from`).
   */
  sawHeader(
    from: number,
    previous: number,
    isFirstHeader: boolean,
    block: number,
    path: string,
  ): void {
    if (!isFirstHeader && block === previous) return;
    for (let k = isFirstHeader ? from : previous + 1; k < block; k++) this.first[k] ??= null;
    for (let k = previous; k < block; k++) this.scanned[k] = true;
    this.first[block] ??= path;
  }

  /**
   * The same decoder knows its next header is in block `next`: every header before that block
   * has been seen, and blocks after `current` (the last header's) and before `next` have none.
   */
  sawAllBefore(from: number, current: number, next: number): void {
    for (let k = current + 1; k < Math.min(next, this.first.length); k++) this.first[k] ??= null;
    for (let k = from; k < Math.min(next, this.scanned.length); k++) this.scanned[k] = true;
  }
}

/** The block holding uncompressed offset `offset`, given each block's starting offset (ascending, first 0). */
export function blockAt(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if ((starts[middle] as number) <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}
