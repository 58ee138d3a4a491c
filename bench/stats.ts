// Medians and spreads of repeated measurements, and the two lines the bench prints per figure:
// one for people, one (`BENCH <id> key=value ...`) for scripts that track the figures over time.

/** The centre and the scatter of one series of measurements. */
export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Interquartile range relative to the median, in percent: how noisy the series was. */
  readonly spreadPct: number;
}

/** Median (the lower middle for an even count, so it is always a measured value). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
}

function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const a = sorted[low] as number;
  const b = sorted[high] as number;
  return a + (b - a) * (position - low);
}

/** Summarises a series: median, extremes and interquartile spread. */
export function summarise(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = median(sorted);
  const iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
  return {
    n: sorted.length,
    median: mid,
    min: sorted[0] as number,
    max: sorted.at(-1) as number,
    spreadPct: mid === 0 ? 0 : (100 * iqr) / mid,
  };
}

/** A ratio measured against its baseline in the same run, from interleaved pairs of runs. */
export interface RatioFigure {
  readonly id: string;
  readonly ratio: number;
  readonly qus: Summary;
  readonly baseline: Summary;
  /** Spread of the per-pair ratios (each pair ran back to back, under the same load). */
  readonly ratioSpreadPct: number;
}

/** Pairs qus's and the baseline's timings (same index = same moment) into a ratio figure. */
export function ratioFigure(
  id: string,
  qusMs: readonly number[],
  baselineMs: readonly number[],
): RatioFigure {
  if (qusMs.length !== baselineMs.length)
    throw new Error(`${id}: ${qusMs.length} qus runs but ${baselineMs.length} baseline runs`);
  const qus = summarise(qusMs);
  const baseline = summarise(baselineMs);
  const pairRatios = qusMs.map((ms, i) => ms / (baselineMs[i] as number));
  return {
    id,
    ratio: qus.median / baseline.median,
    qus,
    baseline,
    ratioSpreadPct: summarise(pairRatios).spreadPct,
  };
}

/** Formats `BENCH <id> key=value ...`: one line per figure, values without spaces. */
export function benchLine(id: string, fields: Readonly<Record<string, string | number>>): string {
  const parts = Object.entries(fields).map(
    ([key, value]) =>
      `${key}=${typeof value === "number" ? round(value) : value.replaceAll(/\s+/g, "_")}`,
  );
  return `BENCH ${id} ${parts.join(" ")}`;
}

/** The machine line of a ratio figure, with its target from the issue. */
export function ratioLine(
  figure: RatioFigure,
  target: number,
  extra: Readonly<Record<string, string | number>> = {},
): string {
  return benchLine(figure.id, {
    ratio: figure.ratio,
    qus_ms: figure.qus.median,
    baseline_ms: figure.baseline.median,
    n: figure.qus.n,
    spread_pct: figure.ratioSpreadPct,
    qus_min_ms: figure.qus.min,
    qus_max_ms: figure.qus.max,
    baseline_min_ms: figure.baseline.min,
    baseline_max_ms: figure.baseline.max,
    target,
    pass: figure.ratio <= target ? "yes" : "no",
    ...extra,
  });
}

/** The human line of a ratio figure. */
export function ratioHuman(
  figure: RatioFigure,
  what: string,
  baseline: string,
  target: number,
): string {
  const verdict = figure.ratio <= target ? "meets" : "MISSES";
  return (
    `${figure.id}  ${what}: ${ms(figure.qus.median)} vs ${baseline} ${ms(figure.baseline.median)} -> ` +
    `ratio ${figure.ratio.toFixed(2)} (${verdict} target <= ${target}; median of ${figure.qus.n}, pair-ratio spread ${figure.ratioSpreadPct.toFixed(0)}%, ` +
    `qus ${ms(figure.qus.min)}..${ms(figure.qus.max)}, baseline ${ms(figure.baseline.min)}..${ms(figure.baseline.max)})`
  );
}

/** Milliseconds for people: "84 ms" or "3.12 s". */
export function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`;
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) >= 100 ? 0 : 2);
}
