import { describe, expect, it } from 'vitest';
import type { LoadRunResult } from './load-run.js';
import { cpuMicrosPerMessage, formatTable, jsonLine, scenarioTable, summarizeScenario, type RunResult } from './report.js';

function loadRun(target: string, round: number, receivedPerSecond: number, p99: number): RunResult {
  const result: LoadRunResult = {
    scenario: 's',
    target,
    url: 'mqtt://x',
    publishers: 1,
    subscribers: 1,
    qos: 1,
    payloadBytes: 64,
    durationS: 1,
    sent: 10,
    acknowledged: 10,
    expected: 10,
    received: 10,
    lost: 0,
    outOfOrder: 0,
    disconnects: 0,
    sentPerSecond: receivedPerSecond,
    receivedPerSecond,
    latencyMs: { p50: p99 / 2, p90: p99, p99, max: p99, samples: 10 },
    cpuPercent: { loadGenerator: 50, broker: 100 },
  };
  return { kind: 'load', round, ...result };
}

describe('summarizeScenario', () => {
  it('takes medians over rounds per target and divides them', () => {
    const runs = [
      loadRun('ours-proxy', 1, 900, 10),
      loadRun('reference', 1, 1000, 5),
      loadRun('ours-direct', 1, 1800, 4),
      loadRun('ours-proxy', 2, 1200, 30),
      loadRun('reference', 2, 2000, 6),
      loadRun('ours-direct', 2, 2000, 2),
      loadRun('ours-proxy', 3, 1000, 20),
      loadRun('reference', 3, 500, 7),
      loadRun('ours-direct', 3, 1000, 3),
    ];
    const summary = summarizeScenario('s', runs);
    expect(summary.medians['ours-proxy']).toMatchObject({ receivedPerSecond: 1000, p99Ms: 20 });
    expect(summary.medians['reference']).toMatchObject({ receivedPerSecond: 1000, p99Ms: 6 });
    expect(summary.medians['ours-direct']).toMatchObject({ receivedPerSecond: 1800, p99Ms: 3 });
    expect(summary.ratios['ours/reference']?.['receivedPerSecond']).toBe(1);
    expect(summary.ratios['ours/reference']?.['p99Ms']).toBeCloseTo(10 / 3, 10);
    expect(summary.ratios['proxy/direct']?.['receivedPerSecond']).toBeCloseTo(1000 / 1800, 10);
    expect(summary.ratios['proxy/direct']?.['p99Ms']).toBeCloseTo(20 / 3, 10);
  });

  it('prints a ratio rounded once from its exact value', () => {
    // 681,251 / 171,804 = 3.9653: rounded to 3.965 first, it printed as 3.96x.
    const runs = [loadRun('ours-proxy', 1, 681_251, 10), loadRun('reference', 1, 171_804, 10), loadRun('ours-proxy', 2, 681_251, 10), loadRun('reference', 2, 171_804, 10)];
    const summary = summarizeScenario('s', runs);
    expect(scenarioTable('s', runs, summary)).toContain('ours/reference: msgs/s 3.97x');
  });

  it('leaves out comparisons whose targets did not run', () => {
    const summary = summarizeScenario('s', [loadRun('edge', 1, 10, 1)]);
    expect(summary.ratios).toEqual({});
    expect(Object.keys(summary.medians)).toEqual(['edge']);
  });
});

describe('cpuMicrosPerMessage', () => {
  it('is the broker and proxy CPU time per delivered message', () => {
    const run = loadRun('t', 1, 10_000, 1) as LoadRunResult;
    expect(cpuMicrosPerMessage(run)).toBe(100);
    expect(cpuMicrosPerMessage({ ...run, cpuPercent: { broker: 50, proxy: 50 } })).toBe(100);
    expect(cpuMicrosPerMessage({ ...run, cpuPercent: {} })).toBeNaN();
  });
});

describe('output', () => {
  it('writes NaN as null in JSON lines', () => {
    expect(jsonLine({ a: Number.NaN, b: 1 })).toBe('{"a":null,"b":1}');
  });

  it('pads table columns', () => {
    expect(formatTable(['name', 'n'], [['a', '1'], ['bbb', '22']])).toBe('name   n\n----  --\na      1\nbbb   22');
  });
});
