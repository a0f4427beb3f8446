import { describe, expect, it } from 'vitest';
import { minMaxDownsample } from './downsample';

describe('minMaxDownsample', () => {
  it('returns small inputs unchanged', () => {
    expect(minMaxDownsample([1, 2, 3], [5, 6, 7], 10)).toEqual([
      [1, 2, 3],
      [5, 6, 7],
    ]);
  });

  it('reduces to at most two points per bucket, in x order', () => {
    const xs = Array.from({ length: 36_000 }, (_, i) => i * 100);
    const ys = xs.map((x) => Math.sin(x / 10_000));
    const [outX, outY] = minMaxDownsample(xs, ys, 300);
    expect(outX.length).toBeLessThanOrEqual(600);
    expect(outX.length).toBeGreaterThan(300);
    expect(outY).toHaveLength(outX.length);
    for (let i = 1; i < outX.length; i += 1) expect(outX[i]!).toBeGreaterThan(outX[i - 1]!);
    expect(outX[0]).toBe(0);
  });

  it('keeps every spike (global min and max survive)', () => {
    const xs = Array.from({ length: 10_000 }, (_, i) => i);
    const ys = xs.map(() => 0);
    ys[4321] = 99;
    ys[777] = -42;
    const [outX, outY] = minMaxDownsample(xs, ys, 50);
    expect(Math.max(...outY)).toBe(99);
    expect(Math.min(...outY)).toBe(-42);
    expect(outX).toContain(4321);
    expect(outX).toContain(777);
  });

  it('works on typed arrays and skips empty buckets', () => {
    const xs = new Float64Array([0, 1, 2, 3, 1000, 1001, 1002, 1003]);
    const ys = new Float64Array([1, 2, 3, 4, 5, 6, 7, 8]);
    const [outX] = minMaxDownsample(xs, ys, 3);
    expect(outX).toEqual([0, 3, 1000, 1003]);
  });
});
