import { describe, expect, it } from 'vitest';
import { parseBenchOptions } from './options.js';

describe('parseBenchOptions', () => {
  it('reads durations and counts given as text', () => {
    const options = parseBenchOptions({ duration: '2s', publishers: '6', window: '8', target: ['mqtt://h:1'] });
    expect(options).toMatchObject({ durationMs: 2000, publishers: 6, window: 8, rounds: 1, targets: ['mqtt://h:1'] });
    expect(parseBenchOptions({ duration: '3' }).durationMs).toBe(3000);
    expect(parseBenchOptions({ duration: '750ms' }).durationMs).toBe(750);
  });

  it('runs 3 rounds with --compare and refuses fewer', () => {
    expect(parseBenchOptions({ compare: true }).rounds).toBe(3);
    expect(() => parseBenchOptions({ compare: true, rounds: '2' })).toThrow(/--rounds: at least 3/);
    expect(() => parseBenchOptions({ compare: true, target: ['mqtt://h:1'] })).toThrow(/leave out --target/);
  });

  it('takes --nginx-hop only for the broker it starts itself', () => {
    expect(parseBenchOptions({ nginxHop: true }).nginxHop).toBe(true);
    expect(parseBenchOptions({}).nginxHop).toBe(false);
    expect(() => parseBenchOptions({ nginxHop: true, target: ['mqtt://h:1'] })).toThrow(/--nginx-hop .*leave out --target/);
  });

  it('makes --quick short: tiny runs, one round', () => {
    expect(parseBenchOptions({ quick: true, compare: true })).toMatchObject({ rounds: 1, durationMs: 500, idleConnections: 20 });
  });

  it('names the bad option', () => {
    expect(() => parseBenchOptions({ duration: 'soon' })).toThrow(/--duration: expected a duration/);
    expect(() => parseBenchOptions({ idleConnections: '0' })).toThrow(/--idle-connections/);
    expect(() => parseBenchOptions({ proxyWorkers: '65' })).toThrow(/--proxy-workers/);
    expect(() => parseBenchOptions({ proxyWorkers: '2', cpuProf: '/tmp/p' })).toThrow(/--cpu-prof: .*--proxy-workers/);
    expect(parseBenchOptions({ proxyWorkers: '2' }).proxyWorkers).toBe(2);
  });
});
