import { describe, expect, it } from 'vitest';
import type { SimulatorStats } from './stats.js';
import { connectionState } from './stats.js';
import { formatStatusLine, RateMeter } from './status-line.js';

const stats: SimulatorStats = {
  sent: 1234,
  skipped: 0,
  imagesSent: 12,
  imagesSkipped: 0,
  connected: 10,
  sensors: 10,
  imagePublisherConnected: true,
  state: 'connected',
  lastError: undefined,
};

describe('the status line', () => {
  it('shows messages, rate, sensors, images and state', () => {
    expect(formatStatusLine(stats, 9.96, true)).toBe('connected · sensors 10/10 · sent 1234 · 10.0 msg/s · images 12');
  });

  it('shows skipped readings and the last error while not fully connected', () => {
    const line = formatStatusLine({ ...stats, state: 'disconnected', connected: 0, skipped: 5, imagePublisherConnected: false, lastError: 'ECONNREFUSED' }, 0, true);
    expect(line).toBe('disconnected · sensors 0/10 · sent 1234 · 0.0 msg/s · skipped 5 · images 12 (offline) · last error: ECONNREFUSED');
    expect(formatStatusLine(stats, 1, false)).not.toContain('images');
  });
});

describe('RateMeter', () => {
  it('measures messages per second over its window', () => {
    const meter = new RateMeter(2000);
    expect(meter.sample(0, 0)).toBe(0);
    expect(meter.sample(10, 1000)).toBe(10);
    expect(meter.sample(20, 2000)).toBe(10);
    // The old samples fall out of the window, so the rate follows the new pace.
    expect(meter.sample(120, 3000)).toBe(55);
    expect(meter.sample(220, 4000)).toBe(100);
  });
});

describe('connectionState', () => {
  it('tells connecting, connected, degraded, disconnected and closed apart', () => {
    expect(connectionState(0, 3, false, false)).toBe('connecting');
    expect(connectionState(3, 3, true, false)).toBe('connected');
    expect(connectionState(1, 3, true, false)).toBe('degraded');
    expect(connectionState(0, 3, true, false)).toBe('disconnected');
    expect(connectionState(3, 3, true, true)).toBe('closed');
  });
});
