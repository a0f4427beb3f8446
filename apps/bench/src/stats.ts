// The numbers a benchmark reports: percentiles of latency samples (nearest rank), medians over rounds,
// ratios between two systems, and a bounded reservoir of samples so a long run keeps constant memory.

/** The p-th percentile (0..100) of ascending `sorted` values by the nearest-rank method; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (p <= 0) return sorted[0] ?? Number.NaN;
  const rank = Math.ceil((Math.min(p, 100) / 100) * sorted.length);
  return sorted[rank - 1] ?? Number.NaN;
}

/** The median of `values` (the mean of the two middle ones for an even count); NaN when empty or all NaN. */
export function median(values: readonly number[]): number {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
}

/** ours / reference; NaN when either is missing or the reference is 0. */
export function ratio(ours: number, reference: number): number {
  if (!Number.isFinite(ours) || !Number.isFinite(reference) || reference === 0) return Number.NaN;
  return ours / reference;
}

export interface LatencySummary {
  /** Milliseconds. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** How many samples the percentiles were taken from (a uniform sample of all messages when there were many). */
  samples: number;
}

/** Percentiles of latency samples given in milliseconds (sorts `samples` in place). */
export function summarizeLatencies(samples: Float64Array): LatencySummary {
  samples.sort();
  return {
    p50: percentile(samples, 50),
    p90: percentile(samples, 90),
    p99: percentile(samples, 99),
    max: samples.length === 0 ? Number.NaN : (samples[samples.length - 1] ?? Number.NaN),
    samples: samples.length,
  };
}

/**
 * Keeps a uniform random sample of at most `capacity` values out of any number offered (Vitter's
 * algorithm R), and the exact maximum, so percentiles stay representative at constant memory.
 */
export class Reservoir {
  readonly #values: Float64Array;
  #seen = 0;
  #max = Number.NEGATIVE_INFINITY;

  constructor(capacity: number) {
    this.#values = new Float64Array(capacity);
  }

  add(value: number): void {
    if (value > this.#max) this.#max = value;
    const seen = this.#seen++;
    if (seen < this.#values.length) {
      this.#values[seen] = value;
      return;
    }
    const slot = Math.floor(Math.random() * (seen + 1));
    if (slot < this.#values.length) this.#values[slot] = value;
  }

  get seen(): number {
    return this.#seen;
  }

  get max(): number {
    return this.#max;
  }

  /** A copy of the kept samples. */
  samples(): Float64Array {
    return this.#values.slice(0, Math.min(this.#seen, this.#values.length));
  }
}

/**
 * Merges per-subscriber samples into one summary: each part is weighted by how many messages it stood for,
 * by resampling every part down to the same share of its messages. The maximum is the exact one.
 */
export function mergeLatencies(parts: readonly { samples: Float64Array; seen: number; max: number }[], capacity = 200_000): LatencySummary {
  const total = parts.reduce((sum, part) => sum + part.seen, 0);
  if (total === 0) return { p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, max: Number.NaN, samples: 0 };
  const keepShare = Math.min(1, capacity / total, ...parts.filter((part) => part.seen > 0).map((part) => part.samples.length / part.seen));
  const merged: number[] = [];
  for (const part of parts) {
    const keep = Math.min(part.samples.length, Math.round(part.seen * keepShare));
    // The samples of a reservoir are in random order once it overflowed, and in arrival order before: take evenly spaced ones.
    const step = part.samples.length / Math.max(keep, 1);
    for (let index = 0; index < keep; index++) merged.push(part.samples[Math.floor(index * step)] ?? 0);
  }
  const summary = summarizeLatencies(Float64Array.from(merged));
  return { ...summary, max: Math.max(...parts.map((part) => part.max)) };
}
