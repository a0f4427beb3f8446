// Proves the broker keeps its QoS 1 promise across a crash: every message whose PUBACK the publisher got
// reaches a persistent subscriber (clean: false), even when the broker is SIGKILLed mid-stream and started
// again on the same ports and data folder. Duplicates are allowed at QoS 1; loss is not.
import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { waitFor } from '@gateway/service-kit/testing';
import { sleep } from './fixtures/bounded.js';
import { GatewayProcesses } from './fixtures/gateway-processes.js';
import { NumberedPublisher } from './fixtures/numbered-publisher.js';

describe('crash safety', () => {
  it('delivers every acknowledged QoS 1 message to a persistent subscriber across a SIGKILL of the broker', async () => {
    await using gateway = await new GatewayProcesses().withRestartableBroker().withBrokerEnv({ BROKER_MAX_INFLIGHT: '1000000', LOG_LEVEL: 'info' }).start();
    const id = randomUUID();
    const topic = `fault-tests/crash/${id}`;
    const url = gateway.broker.tcpUrl;

    // The subscriber's session lives in the broker's LevelDB store; after a reconnect MQTT.js sends the same client id.
    const subscriber = await mqtt.connectAsync(url, { clientId: `crash-subscriber-${id}`, clean: false, resubscribe: false, reconnectPeriod: 250, connectTimeout: 5000 });
    const received: number[] = [];
    subscriber.on('message', (_topic, payload) => received.push(Number(payload.toString('utf8'))));
    await subscriber.subscribeAsync(topic, { qos: 1 });

    const publisherClient = await mqtt.connectAsync(url, { clientId: `crash-publisher-${id}`, clean: true, reconnectPeriod: 250, connectTimeout: 5000 });
    const publisher = new NumberedPublisher(publisherClient, topic);
    try {
      publisher.start();
      await waitFor(() => publisher.acknowledged.size >= 2000, { timeoutMs: 60_000, what: '2000 acknowledged publishes before the crash' });

      const acknowledgedBeforeKill = publisher.acknowledged.size;
      const exit = await gateway.stopBroker('SIGKILL');
      const acknowledgedAtKill = publisher.acknowledged.size;
      const receivedAtKill = received.length;
      expect(exit, 'the broker was killed, not stopped').toBeNull();

      // Where the stream was when each client got its session back (for the printed counts).
      const reconnectedAt: Record<string, number> = {};
      subscriber.once('connect', () => (reconnectedAt['subscriber'] = publisher.published));
      publisherClient.once('connect', () => (reconnectedAt['publisher'] = publisher.published));
      await sleep(500);
      await gateway.startBroker();
      await waitFor(() => publisherClient.connected && subscriber.connected, { timeoutMs: 30_000, what: 'publisher and subscriber reconnected' });
      // The stream goes on after the restart, then stops.
      await waitFor(() => publisher.acknowledged.size >= acknowledgedAtKill + 1000, { timeoutMs: 60_000, what: '1000 more acknowledged publishes after the restart' });
      await publisher.stop();

      const missingNow = () => [...publisher.acknowledged].filter((seq) => !receivedSet().has(seq));
      const receivedSet = () => new Set(received);
      await waitFor(() => missingNow().length === 0, { timeoutMs: 30_000, intervalMs: 200, what: 'every acknowledged message at the subscriber' }).catch(() => undefined);

      const unique = receivedSet();
      const missing = missingNow().sort((a, b) => a - b);
      console.log(
        'crash safety:',
        JSON.stringify({
          published: publisher.published,
          acknowledged: publisher.acknowledged.size,
          acknowledgedBeforeKill,
          acknowledgedAtKill,
          receivedAtKill,
          publishedWhenReconnected: reconnectedAt,
          unacknowledged: publisher.published - publisher.acknowledged.size,
          publishErrors: publisher.failures.length,
          received: received.length,
          receivedUnique: unique.size,
          duplicates: received.length - unique.size,
          missing: missing.length,
          firstMissing: missing.slice(0, 20),
        }),
      );
      expect(missing, 'acknowledged messages the subscriber never got').toEqual([]);
      expect(publisher.acknowledged.size).toBeGreaterThan(acknowledgedAtKill);
    } finally {
      await Promise.all([publisherClient.endAsync(true), subscriber.endAsync(true)]);
    }
  }, 240_000);
});
