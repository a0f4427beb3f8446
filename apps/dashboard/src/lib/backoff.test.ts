import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff';

const noJitter = { ...DEFAULT_BACKOFF, jitter: 0 };

describe('backoffDelay', () => {
  it('doubles from the initial delay', () => {
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, noJitter))).toEqual([500, 1000, 2000, 4000]);
  });

  it('is capped at the maximum', () => {
    expect(backoffDelay(10, noJitter)).toBe(15_000);
    expect(backoffDelay(1000, noJitter)).toBe(15_000);
  });

  it('applies jitter downwards only, within the jitter fraction', () => {
    const options = { initialMs: 1000, maxMs: 10_000, factor: 2, jitter: 0.5 };
    expect(backoffDelay(0, options, () => 0)).toBe(1000);
    expect(backoffDelay(0, options, () => 0.5)).toBe(750);
    for (let i = 0; i < 100; i += 1) {
      const delay = backoffDelay(2, options);
      expect(delay).toBeGreaterThanOrEqual(2000);
      expect(delay).toBeLessThanOrEqual(4000);
    }
  });

  it('treats negative or fractional attempts as the nearest sane attempt', () => {
    expect(backoffDelay(-3, noJitter)).toBe(500);
    expect(backoffDelay(1.7, noJitter)).toBe(1000);
  });
});
