import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFrameBatcher } from './frame-batcher';

afterEach(() => {
  vi.useRealTimers();
});

describe('createFrameBatcher', () => {
  it('delivers everything pushed before a frame in one batch', () => {
    const frames: (() => void)[] = [];
    const batches: number[][] = [];
    const batcher = createFrameBatcher<number>((items) => batches.push(items), { maxPending: 100, requestFrame: (callback) => frames.push(callback) });
    for (let i = 0; i < 50; i += 1) batcher.push(i);
    expect(frames).toHaveLength(1);
    expect(batches).toHaveLength(0);
    frames[0]!();
    expect(batches).toEqual([Array.from({ length: 50 }, (_, i) => i)]);
  });

  it('keeps only the newest items when the queue overflows', () => {
    const batches: number[][] = [];
    const batcher = createFrameBatcher<number>((items) => batches.push(items), { maxPending: 3, requestFrame: () => undefined });
    for (let i = 0; i < 10; i += 1) batcher.push(i);
    batcher.flush();
    expect(batches).toEqual([[7, 8, 9]]);
    expect(batcher.dropped).toBe(7);
  });

  it('flushes on a timer when animation frames do not run (hidden tab)', () => {
    vi.useFakeTimers();
    const batches: string[][] = [];
    const batcher = createFrameBatcher<string>((items) => batches.push(items), { maxPending: 10, fallbackMs: 100, requestFrame: () => undefined });
    batcher.push('a');
    vi.advanceTimersByTime(99);
    expect(batches).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(batches).toEqual([['a']]);
  });
});
