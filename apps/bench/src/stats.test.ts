import { describe, expect, it } from 'vitest';
import { median, mergeLatencies, percentile, ratio, Reservoir, summarizeLatencies } from './stats.js';

describe('percentile', () => {
  const hundred = Float64Array.from({ length: 100 }, (_, index) => index + 1);

  it('takes the nearest rank', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 90)).toBe(90);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 99.5)).toBe(100);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile(hundred, 0)).toBe(1);
  });

  it('rounds the rank up on small sets', () => {
    expect(percentile([10, 20, 30], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 51)).toBe(30);
    expect(percentile([7], 99)).toBe(7);
  });

  it('is NaN for no samples', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5])).toBe(5);
  });

  it('leaves out NaN and is NaN when nothing is left', () => {
    expect(median([Number.NaN, 1, 3])).toBe(2);
    expect(median([])).toBeNaN();
    expect(median([Number.NaN])).toBeNaN();
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('ratio', () => {
  it('divides ours by the reference', () => {
    expect(ratio(150, 100)).toBe(1.5);
    expect(ratio(0, 100)).toBe(0);
  });

  it('is NaN without a usable reference', () => {
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(Number.NaN, 1)).toBeNaN();
    expect(ratio(1, Number.POSITIVE_INFINITY)).toBeNaN();
  });
});

describe('summarizeLatencies', () => {
  it('gives p50, p90, p99 and max of unsorted samples', () => {
    const samples = Float64Array.from({ length: 1000 }, (_, index) => 1000 - index);
    expect(summarizeLatencies(samples)).toEqual({ p50: 500, p90: 900, p99: 990, max: 1000, samples: 1000 });
  });
});

describe('Reservoir', () => {
  it('keeps everything up to its capacity, in order', () => {
    const reservoir = new Reservoir(10);
    for (let value = 1; value <= 5; value++) reservoir.add(value);
    expect([...reservoir.samples()]).toEqual([1, 2, 3, 4, 5]);
    expect(reservoir.seen).toBe(5);
    expect(reservoir.max).toBe(5);
  });

  it('keeps a bounded, representative sample and the exact maximum beyond it', () => {
    const reservoir = new Reservoir(2000);
    for (let value = 1; value <= 100_000; value++) reservoir.add(value);
    const samples = reservoir.samples();
    expect(samples.length).toBe(2000);
    expect(reservoir.seen).toBe(100_000);
    expect(reservoir.max).toBe(100_000);
    // The median of a uniform sample of 1..100000 is near 50000 (a 10% band is many standard errors wide).
    expect(summarizeLatencies(samples).p50).toBeGreaterThan(45_000);
    expect(summarizeLatencies(samples).p50).toBeLessThan(55_000);
  });
});

describe('mergeLatencies', () => {
  it('weighs each part by the messages it stands for', () => {
    // 900 messages at 1 ms (sampled down to 90) and 100 at 10 ms: p50 is 1 ms, p99 is 10 ms.
    const fast = { samples: new Float64Array(90).fill(1), seen: 900, max: 1 };
    const slow = { samples: new Float64Array(100).fill(10), seen: 100, max: 10 };
    const summary = mergeLatencies([fast, slow]);
    expect(summary.p50).toBe(1);
    expect(summary.p90).toBe(1);
    expect(summary.p99).toBe(10);
    expect(summary.max).toBe(10);
    expect(summary.samples).toBe(100);
  });

  it('keeps the exact maximum and is NaN without messages', () => {
    expect(mergeLatencies([{ samples: Float64Array.from([1, 2]), seen: 2, max: 7 }]).max).toBe(7);
    expect(mergeLatencies([]).p50).toBeNaN();
  });
});
