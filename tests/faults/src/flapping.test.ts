// Proves the proxy rides out a flapping upstream: for a minute the broker behind it is started and then
// stopped (SIGTERM and SIGKILL in turn) about every second while clients keep connecting through the proxy.
// The proxy stays the same live process answering /healthz, and once the broker settles a client gets
// through and publish/subscribe works within seconds.
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { waitFor } from '@gateway/service-kit/testing';
import { sleep } from './fixtures/bounded.js';
import { GatewayProcesses, isHealthy, type StartedGatewayProcesses } from './fixtures/gateway-processes.js';
import { validConnect } from './fixtures/malformed-mqtt.js';

const flappingMs = 60_000;
/** Restarts at the least, however slowly the machine restarts the broker. */
const minCycles = 30;

/** Clients that keep reconnecting through the proxy (MQTT.js reconnects every 200 ms), counting what happens. */
function startPersistentTriers(urls: string[]): { clients: MqttClient[]; connects: () => number } {
  let connects = 0;
  const clients = urls.map((url, index) => {
    const client = mqtt.connect(url, { clientId: `flapping-${String(index)}-${randomUUID()}`, reconnectPeriod: 200, connectTimeout: 3000, keepalive: 5 });
    client.on('connect', () => (connects += 1));
    // Errors (ECONNRESET, connack timeouts) are the point of this test: the clients only keep trying.
    client.on('error', () => undefined);
    return client;
  });
  return { clients, connects: () => connects };
}

/**
 * Starts the broker, lets it run about a second, stops it with `signal`; repeats until `untilMs` and for at
 * least `minCycles` cycles (a loaded machine restarts the broker more slowly: it then flaps for longer).
 */
async function flapBroker(gateway: StartedGatewayProcesses, untilMs: number, minCycles: number): Promise<{ cycles: number; signals: Record<string, number> }> {
  const signals: Record<string, number> = {};
  let cycles = 0;
  while (Date.now() < untilMs || cycles < minCycles) {
    const signal = cycles % 2 === 0 ? 'SIGTERM' : 'SIGKILL';
    await sleep(400 + Math.random() * 600);
    await gateway.stopBroker(signal);
    signals[signal] = (signals[signal] ?? 0) + 1;
    await sleep(100 + Math.random() * 400);
    await gateway.startBroker();
    cycles += 1;
  }
  return { cycles, signals };
}

describe('a flapping broker behind the proxy', () => {
  it('leaves the proxy alive and serving once the broker settles', async () => {
    await using gateway = await new GatewayProcesses().withRestartableBroker().start();
    const proxyPid = gateway.proxy.process.pid;
    const triers = startPersistentTriers([gateway.proxy.tcpUrl, gateway.proxy.tcpUrl, gateway.proxy.tcpUrl, gateway.proxy.wsUrl, gateway.proxy.wsUrl]);
    let healthChecks = 0;
    const unhealthy: string[] = [];
    // An object, so the loops below see the change made after the flapping.
    const run = { flapping: true };
    const watchProxy = (async () => {
      while (run.flapping) {
        healthChecks += 1;
        if (!(await isHealthy(gateway.proxy))) unhealthy.push(new Date().toISOString());
        await sleep(500);
      }
    })();
    // Raw connection attempts too: open, send a CONNECT, drop; as a half-started client would.
    let rawAttempts = 0;
    const rawTrier = (async () => {
      while (run.flapping) {
        rawAttempts += 1;
        const socket = connect({ port: gateway.proxy.tcpPort, host: '127.0.0.1' });
        socket.on('error', () => undefined);
        socket.once('connect', () => socket.write(validConnect(`flapping-raw-${String(rawAttempts)}`)));
        await sleep(100);
        socket.destroy();
      }
    })();
    try {
      const flaps = await flapBroker(gateway, Date.now() + flappingMs, minCycles);
      run.flapping = false;
      await Promise.all([watchProxy, rawTrier]);

      console.log('flapping:', JSON.stringify({ ...flaps, healthChecks, unhealthy: unhealthy.length, connectsThroughProxy: triers.connects(), rawAttempts }));
      // The clients through the proxy kept getting in between restarts: the proxy reconnected them each time.
      expect(triers.connects(), 'connections through the proxy while the broker flapped').toBeGreaterThan(minCycles);
      expect(gateway.proxy.process.isRunning(), 'the proxy is still running').toBe(true);
      expect(gateway.proxy.process.pid).toBe(proxyPid);
      expect(unhealthy, 'times /healthz of the proxy did not answer 200 during the flapping').toEqual([]);
      expect(await isHealthy(gateway.proxy)).toBe(true);

      // The broker stays up now: a new client gets through the proxy and round-trips a message within seconds.
      const settledAt = Date.now();
      const topic = `fault-tests/flapping/${randomUUID()}`;
      const client = await waitFor(
        () => mqtt.connectAsync(gateway.proxy.tcpUrl, { reconnectPeriod: 0, connectTimeout: 2000 }),
        { timeoutMs: 10_000, intervalMs: 200, what: 'a client connected through the proxy' },
      );
      try {
        const message = new Promise<string>((resolve) => client.once('message', (_topic, payload) => resolve(payload.toString('utf8'))));
        await client.subscribeAsync(topic, { qos: 1 });
        await client.publishAsync(topic, 'after the flapping', { qos: 1 });
        expect(await message).toBe('after the flapping');
      } finally {
        await client.endAsync();
      }
      const recoverySeconds = (Date.now() - settledAt) / 1000;
      console.log(`publish/subscribe through the proxy worked ${recoverySeconds.toFixed(1)} s after the broker settled`);
      expect(recoverySeconds).toBeLessThan(15);

      // The clients that kept trying are all back too.
      await waitFor(() => triers.clients.every((client) => client.connected), { timeoutMs: 15_000, what: 'every persistent client reconnected through the proxy' });
    } finally {
      run.flapping = false;
      await Promise.all(triers.clients.map((client) => client.endAsync(true)));
    }
  }, 180_000);
});
