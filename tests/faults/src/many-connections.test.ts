// Proves the proxy and the broker hold 2,000 concurrent MQTT connections through the proxy's TCP port for a
// minute of keepalive traffic (PINGREQ/PINGRESP): no error, no close, and a message published at the end
// reaches a sample of them. The clients are raw mqtt-packet connections, to keep the test process light.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { metricValue, waitFor } from '@gateway/service-kit/testing';
import { mapBounded, sleep } from './fixtures/bounded.js';
import { GatewayProcesses, isHealthy, metricsOf } from './fixtures/gateway-processes.js';
import { RawMqttClient } from './fixtures/raw-mqtt-client.js';

const connections = 2000;
const holdMs = 60_000;
const keepaliveSeconds = 10;
/** Every tenth client subscribes, and must get the message published at the end. */
const sampleEvery = 10;
/** This process holds one descriptor per client; the proxy two (client and upstream); each starts with ~50 more. */
const descriptorsNeeded = 2 * connections + 500;

/** The soft limit on open files of this process, which the broker and proxy inherit. */
function openFilesLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((text) => text.startsWith('Max open files'));
  const soft = line?.split(/\s{2,}/)[1];
  return soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
}

describe('many connections through the proxy', () => {
  it(`holds ${String(connections)} MQTT connections for a minute of keepalive traffic`, async () => {
    const limit = openFilesLimit();
    if (!(limit >= descriptorsNeeded)) {
      throw new Error(`the open-files limit is ${String(limit)}, this test needs at least ${String(descriptorsNeeded)}: run \`ulimit -n 20000\` in the shell that starts the tests (CI does)`);
    }
    await using gateway = await new GatewayProcesses().start();
    const topic = `fault-tests/many/${randomUUID()}`;

    const startedConnecting = Date.now();
    // 50 at a time: the listeners' accept backlogs take that without dropping SYNs.
    const clients = await mapBounded(Array.from({ length: connections }, (_, index) => index), 50, async (index) => {
      const client = await RawMqttClient.connect({ port: gateway.proxy.tcpPort, clientId: `many-${String(index)}-${randomUUID()}`, keepalive: keepaliveSeconds });
      if (index % sampleEvery === 0) await client.subscribe(topic, 0);
      return client;
    });
    console.log(`${String(connections)} clients connected through the proxy in ${((Date.now() - startedConnecting) / 1000).toFixed(1)} s`);

    try {
      const counted = await waitFor(
        async () => {
          const [proxyMetrics, brokerMetrics] = await Promise.all([metricsOf(gateway.proxy), metricsOf(gateway.broker)]);
          const proxyOpen = metricValue(proxyMetrics, 'gateway_proxy_connections_active', 'listener="tcp"');
          const brokerClients = metricValue(brokerMetrics, 'gateway_broker_clients_connected', 'listener="tcp"');
          return proxyOpen === connections && brokerClients === connections ? { proxyOpen, brokerClients } : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 250, what: `the proxy and the broker to count ${String(connections)} connections` },
      );
      expect(counted).toEqual({ proxyOpen: connections, brokerClients: connections });

      // Hold: each client pings twice per keepalive period (as MQTT.js does), at its own phase.
      const pingFailures: string[] = [];
      const until = Date.now() + holdMs;
      await Promise.all(
        clients.map(async (client, index) => {
          await sleep((index / connections) * (keepaliveSeconds * 500));
          while (Date.now() < until) {
            await client.ping(keepaliveSeconds * 1500).catch((error: unknown) => pingFailures.push((error as Error).message));
            await sleep(keepaliveSeconds * 500);
          }
        }),
      );

      const closed = clients.filter((client) => client.closed);
      const withErrors = clients.filter((client) => client.errors.length > 0);
      const pings = clients.map((client) => client.pingResponses);
      console.log(
        'after the hold:',
        JSON.stringify({ closed: closed.length, withErrors: withErrors.length, pingFailures: pingFailures.length, fewestPingResponses: Math.min(...pings), totalPingResponses: pings.reduce((a, b) => a + b, 0) }),
      );
      expect(pingFailures.slice(0, 5), 'PINGREQs without a PINGRESP').toEqual([]);
      expect(closed.map((client) => client.clientId).slice(0, 5), 'clients whose connection closed').toEqual([]);
      expect(withErrors.map((client) => `${client.clientId}: ${client.errors.map((error) => error.message).join('; ')}`).slice(0, 5)).toEqual([]);
      expect(Math.min(...pings)).toBeGreaterThanOrEqual(Math.floor(holdMs / (keepaliveSeconds * 500)) - 1);

      // A message published at the end reaches every subscribed client of the sample.
      const sample = clients.filter((_, index) => index % sampleEvery === 0);
      const publisher = await mqtt.connectAsync(gateway.proxy.tcpUrl, { reconnectPeriod: 0 });
      await publisher.publishAsync(topic, 'to the sample', { qos: 1 });
      await publisher.endAsync();
      await waitFor(() => sample.every((client) => client.receivedByTopic.get(topic) === 1), { timeoutMs: 15_000, what: 'the message at every sampled client' }).catch(() => undefined);
      const reached = sample.filter((client) => client.receivedByTopic.get(topic) === 1).length;
      expect(reached, `sampled clients (of ${String(sample.length)}) that got the message`).toBe(sample.length);
      expect(await isHealthy(gateway.proxy)).toBe(true);
      expect(await isHealthy(gateway.broker)).toBe(true);
    } finally {
      await mapBounded(clients, 200, (client) => client.disconnect());
    }
  }, 240_000);
});
