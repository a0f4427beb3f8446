// Proves the broker and the proxy survive hostile MQTT input on every listener: more than 10,000 malformed
// inputs (fast-check, seeded; FUZZ_SEED=<n> replays a run) over many short connections to the broker's and
// the proxy's TCP and WebSocket ports, while a well-behaved client beside them keeps its QoS 1 round trips.
// Afterwards both processes still run, answer /healthz, hold no leftover connections and give back memory.
import { describe, expect, it } from 'vitest';
import { metricValue, waitFor } from '@gateway/service-kit/testing';
import { mapBounded, sleep } from './fixtures/bounded.js';
import { EchoProbe } from './fixtures/echo-probe.js';
import { GatewayProcesses, isHealthy, memoryOf, metricsOf, type RunningService, type StartedGatewayProcesses } from './fixtures/gateway-processes.js';
import type { MemorySample } from './fixtures/heap-inspector.js';
import { sendOverTcp, sendOverWebSocket, splitIntoFrames, type SessionOutcome, type WebSocketSession } from './fixtures/hostile-connections.js';
import { oversizedPublish, sampleHostileInputs, validConnect, type HostileInput } from './fixtures/malformed-mqtt.js';

const maxPacketSize = 1024 * 1024;
const seed = Number(process.env['FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31));

/**
 * How far above its warmed-up baseline a process's memory may be once the fuzzing is over, both measured
 * after forced full garbage collections (see heap-inspector.ts). RSS: V8 keeps some heap pages it grew
 * into and glibc keeps freed socket buffers in its arenas, so resident memory rarely returns to the byte;
 * 30 MiB allows for that while a leak of what each of the ~2,000 connections held (parser, buffers, client
 * object: several KiB each, ~10 KiB with its socket) would still show over repeated runs. The live heap
 * after collection has no such slack, so its tolerance is tighter.
 */
const rssToleranceBytes = 30 * 1024 * 1024;
const heapToleranceBytes = 10 * 1024 * 1024;
const MiB = 1024 * 1024;

interface Target {
  name: string;
  inputs: number;
  send: (session: WebSocketSession) => Promise<SessionOutcome>;
  /** Inputs per connection, at most. */
  maxPerConnection: number;
  websocket: boolean;
}

/** A small seeded generator (mulberry32) for the layout of the sessions, so FUZZ_SEED replays it too. */
function seededRandom(initial: number): () => number {
  let state = initial >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Groups inputs into connections: some open with a valid CONNECT, some split across WebSocket frames. */
function sessionsFor(target: Target, inputs: HostileInput[], random: () => number): { sessions: WebSocketSession[]; inputCount: number } {
  const sessions: WebSocketSession[] = [];
  let next = 0;
  while (next < inputs.length) {
    const size = 1 + Math.floor(random() * target.maxPerConnection);
    const group = inputs.slice(next, next + size).map((input) => input.bytes);
    next += size;
    // Half the connections start properly, so what follows reaches the parser of a connected client.
    const chunks = random() < 0.5 ? [validConnect(`fuzz-${target.name}-${String(sessions.length)}`), ...group] : group;
    const endAfterwards = random() < 0.75;
    const lingerMs = endAfterwards ? 1000 : 300;
    if (!target.websocket) {
      sessions.push({ chunks, endAfterwards, lingerMs });
      continue;
    }
    const mode = random();
    if (mode < 0.45) sessions.push({ chunks, endAfterwards, lingerMs });
    else if (mode < 0.95) {
      // Binary frames that split packets: the same bytes, cut at random points.
      const bytes = Buffer.concat(chunks);
      const cuts = Array.from({ length: 1 + Math.floor(random() * 6) }, () => Math.floor(random() * bytes.length));
      sessions.push({ chunks: splitIntoFrames(bytes, cuts), endAfterwards, lingerMs });
    } else sessions.push({ chunks, endAfterwards, lingerMs, textFrames: true });
  }
  return { sessions, inputCount: inputs.length };
}

/** Sends every target's share of inputs (targets in parallel, connections bounded per target). */
async function fuzz(targets: Target[], runSeed: number): Promise<{ inputs: number; connections: number; outcomes: Record<string, number> }> {
  const random = seededRandom(runSeed);
  const outcomes: Record<string, number> = {};
  let inputs = 0;
  let connections = 0;
  await Promise.all(
    targets.map(async (target, index) => {
      const drawn = sampleHostileInputs(target.inputs, runSeed + index, maxPacketSize);
      const { sessions, inputCount } = sessionsFor(target, drawn, random);
      // Frames really larger than the broker accepts, after a valid CONNECT.
      for (let i = 0; i < 3; i++) sessions.push({ chunks: [validConnect(`fuzz-oversized-${target.name}-${String(i)}`), oversizedPublish(2 * maxPacketSize)], endAfterwards: false, lingerMs: 3000 });
      inputs += inputCount + 3;
      connections += sessions.length;
      const results = await mapBounded(sessions, 32, (session) => target.send(session));
      for (const outcome of results) outcomes[`${target.name} ${outcome}`] = (outcomes[`${target.name} ${outcome}`] ?? 0) + 1;
    }),
  );
  return { inputs, connections, outcomes };
}

function targetsOf(gateway: StartedGatewayProcesses, scale: number): Target[] {
  const tcp = (name: string, service: RunningService, inputs: number): Target => ({
    name,
    inputs: Math.round(inputs * scale),
    maxPerConnection: 8,
    websocket: false,
    send: (session) => sendOverTcp(service.tcpPort, session),
  });
  const ws = (name: string, service: RunningService, inputs: number): Target => ({
    name,
    inputs: Math.round(inputs * scale),
    maxPerConnection: 16,
    websocket: true,
    send: (session) => sendOverWebSocket(service.wsUrl, session),
  });
  return [tcp('broker-tcp', gateway.broker, 3500), tcp('proxy-tcp', gateway.proxy, 3500), ws('broker-ws', gateway.broker, 1500), ws('proxy-ws', gateway.proxy, 1500)];
}

/** Open connections each process reports: the broker's MQTT clients, the proxy's proxied connections. */
async function openConnections(gateway: StartedGatewayProcesses): Promise<{ broker: number; proxy: number }> {
  const sum = (body: string, name: string) => ['tcp', 'websocket'].reduce((total, listener) => total + (metricValue(body, name, `listener="${listener}"`) ?? 0), 0);
  const [brokerMetrics, proxyMetrics] = await Promise.all([metricsOf(gateway.broker), metricsOf(gateway.proxy)]);
  return { broker: sum(brokerMetrics, 'gateway_broker_clients_connected'), proxy: sum(proxyMetrics, 'gateway_proxy_connections_active') };
}

const mib = (bytes: number) => Math.round((bytes / MiB) * 10) / 10;

describe('hostile MQTT input', () => {
  it('leaves the broker and the proxy serving after more than 10,000 malformed inputs on all four listeners', async () => {
    console.log(`fuzz seed ${String(seed)} (replay with FUZZ_SEED=${String(seed)})`);
    await using gateway = await new GatewayProcesses().withInspector().withBrokerEnv({ BROKER_MAX_PACKET_SIZE: String(maxPacketSize) }).start();
    const { broker, proxy } = gateway;
    const probe = await EchoProbe.start(proxy.tcpUrl);

    // A round first, so code paths, JIT and pools the fuzzing warms are part of the baseline.
    await fuzz(targetsOf(gateway, 0.2), seed ^ 0x5eed);
    await sleep(1000);
    const baseline = { broker: await memoryOf(broker), proxy: await memoryOf(proxy) };

    const started = Date.now();
    const run = await fuzz(targetsOf(gateway, 1), seed);
    const seconds = (Date.now() - started) / 1000;
    const peak = { broker: mib(broker.process.residentBytes()), proxy: mib(proxy.process.residentBytes()) };
    const report = await probe.stop();
    console.log(
      `fuzz: ${String(run.inputs)} inputs over ${String(run.connections)} connections in ${seconds.toFixed(1)} s;`,
      JSON.stringify(run.outcomes),
      `\necho probe: ${JSON.stringify({ ...report, missing: report.missing.length })}`,
      `\nRSS after fuzzing (MiB): ${JSON.stringify(peak)}`,
    );

    expect(run.inputs).toBeGreaterThanOrEqual(10_000);
    // The well-behaved client beside the fuzzing: every message acknowledged, every one back, never dropped.
    expect(report.published).toBeGreaterThan(20);
    expect.soft(report.failedPublishes).toEqual([]);
    expect.soft(report.missing).toEqual([]);
    expect.soft(report.disconnects).toBe(0);

    expect.soft(broker.process.isRunning(), 'broker still running').toBe(true);
    expect.soft(proxy.process.isRunning(), 'proxy still running').toBe(true);
    expect.soft(await isHealthy(broker), 'broker /healthz').toBe(true);
    expect.soft(await isHealthy(proxy), 'proxy /healthz').toBe(true);

    // Every hostile connection is gone on both sides (the probe has disconnected too).
    const open = await waitFor(
      async () => {
        const counts = await openConnections(gateway);
        return counts.broker === 0 && counts.proxy === 0 ? counts : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: 'no open connections on the broker and the proxy' },
    ).catch(() => openConnections(gateway));
    expect.soft(open, 'connections the broker (gateway_broker_clients_connected) and the proxy (gateway_proxy_connections_active) still count').toEqual({ broker: 0, proxy: 0 });

    // Memory back near the baseline once garbage is collected (see the tolerances above).
    await sleep(1000);
    const after = { broker: await memoryOf(broker), proxy: await memoryOf(proxy) };
    const growth = (service: 'broker' | 'proxy', field: keyof MemorySample) => mib(after[service][field] - baseline[service][field]);
    console.log(
      'memory after collection (MiB):',
      JSON.stringify(Object.fromEntries((['broker', 'proxy'] as const).map((name) => [name, { rss: [mib(baseline[name].residentBytes), mib(after[name].residentBytes)], heap: [mib(baseline[name].heapUsedBytes), mib(after[name].heapUsedBytes)] }]))),
    );
    for (const service of ['broker', 'proxy'] as const) {
      expect.soft(growth(service, 'residentBytes'), `${service} RSS growth (MiB)`).toBeLessThanOrEqual(rssToleranceBytes / MiB);
      expect.soft(growth(service, 'heapUsedBytes'), `${service} live heap growth (MiB)`).toBeLessThanOrEqual(heapToleranceBytes / MiB);
    }
  }, 300_000);
});
