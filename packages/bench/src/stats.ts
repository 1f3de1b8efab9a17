/**
 * Pure numbers: percentiles, medians, ratios and the verdict wording of docs/benchmarks.md.
 * No I/O here, so every figure the report prints is unit-tested.
 */

/**
 * Percentile by linear interpolation between closest ranks (R's type 7, numpy's default): small samples (a few
 * dozen creates) get a p99 between the two largest values instead of jumping to the maximum.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError("percentile of an empty sample");
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const lo = sorted[lower] as number;
  const hi = sorted[upper] as number;
  return lo + (hi - lo) * (rank - lower);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, v) => total + v, 0);
}

/** `numerator / denominator`; a zero denominator is a measurement bug, not Infinity in a table. */
export function ratio(numerator: number, denominator: number): number {
  if (denominator === 0 || !Number.isFinite(denominator))
    throw new RangeError("ratio with a zero or non-finite denominator");
  return numerator / denominator;
}

export type Comparison = "<=" | ">=";

export interface Verdict {
  met: boolean;
  /** e.g. `met (1.12 ≤ 1.3)` or `not met (0.41 < 0.6)`. */
  text: string;
}

/** Two decimals for ratios: the machines are noisy, a third decimal would be noise. */
export function formatRatio(value: number): string {
  return value.toFixed(2);
}

/**
 * Compares a measured value with its target. The value is rounded as it is printed (`digits`) before comparing,
 * so the doc never says "1.30 > 1.3: not met".
 */
export function verdict(
  measured: number,
  comparison: Comparison,
  target: number,
  options: { digits?: number; unit?: string } = {},
): Verdict {
  const digits = options.digits ?? 2;
  const unit = options.unit ?? "";
  const rounded = Number(measured.toFixed(digits));
  const met = comparison === "<=" ? rounded <= target : rounded >= target;
  const sign = comparison === "<=" ? (met ? "≤" : ">") : met ? "≥" : "<";
  return { met, text: `${met ? "met" : "not met"} (${rounded.toFixed(digits)}${unit} ${sign} ${target}${unit})` };
}

/** Milliseconds for tables: 3 significant-ish digits (0.42 ms, 4.2 ms, 420 ms, 4,200 ms). */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "n/a";
  const size = Math.abs(ms);
  if (size < 1) return `${ms.toFixed(2)} ms`;
  if (size < 10) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms).toLocaleString("en-US")} ms`;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Bytes as MiB with one decimal (RSS figures). */
export function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatInteger(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/** Least-squares line through (x, y): slope, intercept and R² — how linear the scaling table is. */
export function linearFit(points: readonly { x: number; y: number }[]): {
  slope: number;
  intercept: number;
  r2: number;
} {
  if (points.length < 2) throw new RangeError("a line needs at least two points");
  const n = points.length;
  const mx = sum(points.map((p) => p.x)) / n;
  const my = sum(points.map((p) => p.y)) / n;
  const sxx = sum(points.map((p) => (p.x - mx) ** 2));
  if (sxx === 0) throw new RangeError("all x are equal");
  const sxy = sum(points.map((p) => (p.x - mx) * (p.y - my)));
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const ssTot = sum(points.map((p) => (p.y - my) ** 2));
  const ssRes = sum(points.map((p) => (p.y - (intercept + slope * p.x)) ** 2));
  return { slope, intercept, r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot };
}

export interface DeliveryFigures {
  count: number;
  /** Events delivered per second, from the first event's availability to the last arrival. */
  eventsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * Fan-out figures of one run: each event's latency is its arrival minus the moment it became available (committed
 * for ours, its scheduled release for the bare loop). An event that never arrived is a broken run, not a figure.
 */
export function deliveryFigures(
  events: readonly { availableAt: number; arrivedAt: number | undefined }[],
): DeliveryFigures {
  if (events.length === 0) throw new RangeError("no events to measure");
  const latencies: number[] = [];
  let first = Infinity;
  let last = -Infinity;
  for (const event of events) {
    if (event.arrivedAt === undefined)
      throw new Error(
        `${events.filter((e) => e.arrivedAt === undefined).length} of ${events.length} events never arrived`,
      );
    latencies.push(event.arrivedAt - event.availableAt);
    first = Math.min(first, event.availableAt);
    last = Math.max(last, event.arrivedAt);
  }
  const spanMs = last - first;
  return {
    count: events.length,
    eventsPerSecond: spanMs > 0 ? (events.length / spanMs) * 1000 : Infinity,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
  };
}
