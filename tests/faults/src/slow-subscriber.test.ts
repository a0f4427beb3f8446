// Proves one stuck subscriber does not slow the others down: raw TCP subscribers (one on the broker, one
// through the proxy) subscribe to a busy topic and then stop reading their sockets, while a publisher sends
// 20,000 messages of 1 KiB. The healthy subscribers (on the broker, through the proxy over TCP and over
// WebSocket) get every message without a stall, and the broker stays healthy.
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { waitFor } from '@gateway/service-kit/testing';
import { GatewayProcesses, isHealthy } from './fixtures/gateway-processes.js';
import { NumberedPublisher } from './fixtures/numbered-publisher.js';
import { RawMqttClient } from './fixtures/raw-mqtt-client.js';

const messages = 20_000;
const payloadSize = 1024;
/**
 * Far longer than the stream takes on a loaded 2-core machine (a few seconds), and shorter than aedes'
 * 60 s drain timeout: a broker whose deliveries wait for the stuck socket to drain fails it.
 */
const deliveryDeadlineMs = 45_000;
/** The longest pause a healthy subscriber may see between two messages while the stream runs. */
const longestGapMs = 5000;

interface HealthySubscriber {
  name: string;
  client: MqttClient;
  received: Set<number>;
  /** Longest pause between two messages, or since the last one when the stream is not complete. */
  longestGapMs: () => number;
}

async function healthySubscriber(name: string, url: string, topic: string): Promise<HealthySubscriber> {
  const client = await mqtt.connectAsync(url, { clientId: `healthy-${name}-${randomUUID()}`, reconnectPeriod: 0, connectTimeout: 10_000 });
  const received = new Set<number>();
  let longest = 0;
  let last: number | undefined;
  client.on('message', (_topic, payload) => {
    const now = Date.now();
    if (last !== undefined) longest = Math.max(longest, now - last);
    last = now;
    received.add(Number(payload.toString('utf8')));
  });
  const longestGapMs = () => (received.size < messages && last !== undefined ? Math.max(longest, Date.now() - last) : longest);
  const subscriber: HealthySubscriber = { name, client, received, longestGapMs };
  await client.subscribeAsync(topic, { qos: 1 });
  return subscriber;
}

describe('a subscriber that stops reading', () => {
  it('does not hold back the other subscribers of its topic', async () => {
    await using gateway = await new GatewayProcesses().start();
    const topic = `fault-tests/busy/${randomUUID()}`;

    // QoS 0 subscriptions: no acknowledgements are missing, only TCP back-pressure holds them up.
    const stuck = await Promise.all(
      [gateway.broker, gateway.proxy].map(async (service, index) => {
        const client = await RawMqttClient.connect({ port: service.tcpPort, clientId: `stuck-${String(index)}-${randomUUID()}`, keepalive: 0 });
        await client.subscribe(topic, 0);
        client.stopReading();
        return client;
      }),
    );
    const healthy = await Promise.all([
      healthySubscriber('broker-tcp', gateway.broker.tcpUrl, topic),
      healthySubscriber('proxy-tcp', gateway.proxy.tcpUrl, topic),
      healthySubscriber('proxy-ws', gateway.proxy.wsUrl, topic),
    ]);
    const publisherClient = await mqtt.connectAsync(gateway.broker.tcpUrl, { clientId: `busy-publisher-${randomUUID()}`, reconnectPeriod: 0 });
    const publisher = new NumberedPublisher(publisherClient, topic, 100, payloadSize);
    try {
      const started = Date.now();
      publisher.start(messages);
      await waitFor(() => healthy.every((subscriber) => subscriber.received.size === messages), {
        timeoutMs: deliveryDeadlineMs,
        intervalMs: 100,
        what: `all ${String(messages)} messages at every healthy subscriber`,
      }).catch(() => undefined);
      const seconds = (Date.now() - started) / 1000;
      console.log(
        'slow subscriber:',
        JSON.stringify({
          seconds,
          published: publisher.published,
          acknowledged: publisher.acknowledged.size,
          healthy: healthy.map(({ name, received, longestGapMs: gap }) => ({ name, received: received.size, longestGapMs: gap() })),
          stuck: stuck.map((client) => ({ closedByBroker: client.closed })),
          brokerRssMiB: Math.round(gateway.broker.process.residentBytes() / 1024 / 1024),
        }),
      );

      for (const subscriber of healthy) {
        expect.soft(subscriber.received.size, `messages at ${subscriber.name} within ${String(deliveryDeadlineMs / 1000)} s`).toBe(messages);
        expect.soft(subscriber.longestGapMs(), `longest pause at ${subscriber.name} (ms)`).toBeLessThan(longestGapMs);
      }
      expect.soft(publisher.failures).toEqual([]);
      expect(gateway.broker.process.isRunning()).toBe(true);
      expect(await isHealthy(gateway.broker)).toBe(true);
      expect(await isHealthy(gateway.proxy)).toBe(true);

      // And a newcomer still gets a round trip through the broker.
      const newcomer = await mqtt.connectAsync(gateway.broker.tcpUrl, { reconnectPeriod: 0, connectTimeout: 10_000 });
      try {
        const echo = `fault-tests/busy-echo/${randomUUID()}`;
        const message = new Promise<string>((resolve) => newcomer.once('message', (_topic, payload) => resolve(payload.toString('utf8'))));
        await newcomer.subscribeAsync(echo, { qos: 1 });
        await newcomer.publishAsync(echo, 'still here', { qos: 1 });
        expect(await message).toBe('still here');
      } finally {
        await newcomer.endAsync(true);
      }
    } finally {
      await publisher.stop(5000).catch(() => undefined);
      for (const client of stuck) client.socket.destroy();
      await Promise.all([publisherClient.endAsync(true), ...healthy.map((subscriber) => subscriber.client.endAsync(true))]);
    }
  }, 180_000);
});
