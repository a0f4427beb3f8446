import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer';

describe('RingBuffer', () => {
  it('keeps items oldest first until full', () => {
    const ring = new RingBuffer<number>(3);
    ring.push(1, 2);
    expect(ring.toArray()).toEqual([1, 2]);
    expect(ring.length).toBe(2);
    expect(ring.at(0)).toBe(1);
    expect(ring.last()).toBe(2);
  });

  it('drops the oldest beyond its capacity', () => {
    const ring = new RingBuffer<number>(3);
    for (let i = 1; i <= 10; i += 1) ring.push(i);
    expect(ring.toArray()).toEqual([8, 9, 10]);
    expect(ring.length).toBe(3);
    expect(ring.totalPushed).toBe(10);
    expect(ring.at(0)).toBe(8);
    expect(ring.at(3)).toBeUndefined();
    expect(ring.at(-1)).toBeUndefined();
  });

  it('clears', () => {
    const ring = new RingBuffer<string>(2);
    ring.push('a', 'b', 'c');
    ring.clear();
    expect(ring.length).toBe(0);
    expect(ring.last()).toBeUndefined();
    ring.push('d');
    expect(ring.toArray()).toEqual(['d']);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(1.5)).toThrow('positive integer');
  });
});
