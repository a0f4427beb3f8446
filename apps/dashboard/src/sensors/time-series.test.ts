import { describe, expect, it } from 'vitest';
import { TimeSeries } from './time-series';

describe('TimeSeries', () => {
  it('returns the points since a time, oldest first', () => {
    const series = new TimeSeries(10);
    for (let t = 0; t < 5; t += 1) series.push(t * 1000, t);
    expect(Array.from(series.since(2000).values)).toEqual([2, 3, 4]);
    expect(Array.from(series.since(-1).times)).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(series.since(9999).values).toHaveLength(0);
    expect(series.lastTime()).toBe(4000);
  });

  it('is bounded and stays correct after wrapping', () => {
    const series = new TimeSeries(4);
    for (let t = 0; t < 11; t += 1) series.push(t, t * 10);
    expect(series.length).toBe(4);
    expect(Array.from(series.since(0).values)).toEqual([70, 80, 90, 100]);
    expect(Array.from(series.since(9).times)).toEqual([9, 10]);
    expect(series.range(0)).toEqual({ min: 70, max: 100 });
  });

  it('handles an empty series', () => {
    const series = new TimeSeries(3);
    expect(series.lastTime()).toBeUndefined();
    expect(series.range(0)).toBeUndefined();
    series.push(1, 1);
    series.clear();
    expect(series.length).toBe(0);
  });
});
