import { SENSOR_KINDS, type SensorKind } from '@gateway/topics';
import { describe, expect, it } from 'vitest';
import { createRandomWalk, createRng, SENSOR_RANGES, sensorKindFor } from './random-walk.js';

const kinds = Object.keys(SENSOR_KINDS) as SensorKind[];

describe('createRng', () => {
  it('gives the same sequence for the same seed, in [0, 1)', () => {
    const a = createRng(42);
    const b = createRng(42);
    const values = Array.from({ length: 1000 }, () => a());
    expect(values).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(990);
  });

  it('gives different sequences for different seeds', () => {
    const a = createRng(1);
    const b = createRng(2);
    expect([a(), a(), a()]).not.toEqual([b(), b(), b()]);
  });
});

describe('createRandomWalk', () => {
  it.each(kinds)('keeps %s within its plausible range over many steps', (kind) => {
    const range = SENSOR_RANGES[kind];
    const walk = createRandomWalk(range, createRng(7));
    const values = [walk.value, ...Array.from({ length: 20_000 }, () => walk.next())];
    expect(Math.min(...values)).toBeGreaterThanOrEqual(range.min);
    expect(Math.max(...values)).toBeLessThanOrEqual(range.max);
    // No jumps: each step is at most maxStep (plus rounding to the kind's decimals).
    const largestStep = Math.max(...values.slice(1).map((value, index) => Math.abs(value - (values[index] ?? value))));
    expect(largestStep).toBeLessThanOrEqual(range.maxStep + 10 ** -range.decimals);
    expect(values.every((value) => Number(value.toFixed(range.decimals)) === value)).toBe(true);
  });

  it('uses the ranges the dashboard expects', () => {
    expect(SENSOR_RANGES.temperature).toMatchObject({ min: 15, max: 30 });
    expect(SENSOR_RANGES.humidity).toMatchObject({ min: 30, max: 70 });
    expect(SENSOR_RANGES.pressure).toMatchObject({ min: 990, max: 1030 });
    expect(SENSOR_RANGES.co2).toMatchObject({ min: 400, max: 1500 });
    expect(SENSOR_RANGES.light).toMatchObject({ min: 0, max: 1000 });
  });

  it('is deterministic for a seed', () => {
    const run = (seed: number) => {
      const walk = createRandomWalk(SENSOR_RANGES.temperature, createRng(seed));
      return Array.from({ length: 50 }, () => walk.next());
    };
    expect(run(123)).toEqual(run(123));
    expect(run(123)).not.toEqual(run(124));
  });

  it('wanders rather than standing still', () => {
    const range = SENSOR_RANGES.co2;
    const walk = createRandomWalk(range, createRng(99));
    const values = Array.from({ length: 5000 }, () => walk.next());
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan((range.max - range.min) / 4);
  });

  it('rejects an empty range', () => {
    expect(() => createRandomWalk({ min: 5, max: 5, maxStep: 1, decimals: 0 }, createRng(1))).toThrow(RangeError);
  });
});

describe('sensorKindFor', () => {
  it('cycles through every sensor kind', () => {
    expect(Array.from({ length: 7 }, (_, index) => sensorKindFor(index))).toEqual([...kinds, kinds[0], kinds[1]]);
  });
});
