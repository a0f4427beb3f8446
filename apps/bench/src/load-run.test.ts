import { startTestBroker } from '@gateway/broker/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIdleScenario } from './idle-run.js';
import { runLoadScenario, shares } from './load-run.js';
import type { Target } from './targets.js';

type Broker = Awaited<ReturnType<typeof startTestBroker>>;

describe('runLoadScenario against a real broker', () => {
  let broker: Broker;
  let target: Target;

  beforeAll(async () => {
    broker = await startTestBroker({ persistence: 'memory' });
    // The broker runs in this process: its CPU and memory are the test's own.
    target = { name: 'test-broker', urls: { tcp: broker.tcpUrl, ws: broker.wsUrl() }, brokerPids: [process.pid], proxyPids: [] };
  });

  afterAll(async () => {
    await broker.close();
  });

  const options = { durationMs: 400, threads: 2, window: 16, qos0Window: 100, rate: 0, drainTimeoutMs: 15_000, sampleCapacity: 10_000 };

  it('fan-in at QoS 1 over TCP: every message sent arrives, with latencies', async () => {
    const result = await runLoadScenario(target, { kind: 'fan-in', name: 'fan-in/qos1/64B/tcp', transport: 'tcp', qos: 1, payloadSize: 64, publishers: 3, subscribers: 1 }, options);
    expect(result.sent).toBeGreaterThan(0);
    expect(result.acknowledged).toBe(result.sent);
    expect(result.received).toBe(result.sent);
    expect(result.lost).toBe(0);
    expect(result.outOfOrder).toBe(0);
    expect(result.disconnects).toBe(0);
    expect(result.latencyMs.samples).toBe(Math.min(result.received, 10_000));
    expect(result.latencyMs.p50).toBeGreaterThan(0);
    expect(result.latencyMs.p99).toBeGreaterThanOrEqual(result.latencyMs.p50);
    expect(result.latencyMs.max).toBeGreaterThanOrEqual(result.latencyMs.p99);
    expect(result.receivedPerSecond).toBeGreaterThan(0);
    expect(Object.keys(result.cpuPercent).sort()).toEqual(['broker', 'loadGenerator']);
  });

  it('fan-out at QoS 1 over WebSocket: each subscriber gets every message', async () => {
    const result = await runLoadScenario(target, { kind: 'fan-out', name: 'fan-out/qos1/4KiB/ws', transport: 'ws', qos: 1, payloadSize: 4096, publishers: 1, subscribers: 3 }, options);
    expect(result.sent).toBeGreaterThan(0);
    expect(result.expected).toBe(result.sent * 3);
    expect(result.received).toBe(result.expected);
    expect(result.lost).toBe(0);
  });

  it('fan-in at QoS 0 with a delivery window: losses, if any, are counted', async () => {
    const result = await runLoadScenario(target, { kind: 'fan-in', name: 'fan-in/qos0/64B/tcp', transport: 'tcp', qos: 0, payloadSize: 64, publishers: 2, subscribers: 1 }, options);
    expect(result.sent).toBeGreaterThan(0);
    expect(result.received).toBeGreaterThan(0);
    expect(result.received + result.lost).toBe(result.expected);
  });

  it('idle connections: all open, memory per connection reported for the broker only', async () => {
    const result = await runIdleScenario(target, { kind: 'idle', name: 'idle/tcp', transport: 'tcp', connections: 30 }, { holdMs: 100, concurrency: 10 });
    expect(result).toMatchObject({ opened: 30, failed: 0 });
    expect(result.brokerBytesPerConnection).toBeTypeOf('number');
    expect(result.proxyBytesPerConnection).toBeUndefined();
  });

  it('reports a target that is not listening as a failed run', async () => {
    const nowhere: Target = { name: 'nowhere', urls: { tcp: 'mqtt://127.0.0.1:1' }, brokerPids: [], proxyPids: [] };
    await expect(runLoadScenario(nowhere, { kind: 'fan-in', name: 'x', transport: 'tcp', qos: 0, payloadSize: 64, publishers: 1, subscribers: 1 }, options)).rejects.toThrow(/127\.0\.0\.1:1/);
  });
});

describe('shares', () => {
  it('spreads connections over at most `threads` workers', () => {
    expect(shares(8, 3)).toEqual([3, 3, 2]);
    expect(shares(1, 4)).toEqual([1]);
    expect(shares(4, 2)).toEqual([2, 2]);
  });
});
