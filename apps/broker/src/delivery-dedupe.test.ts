import { waitFor } from '@gateway/service-kit/testing';
import { describe, expect, it } from 'vitest';
import { holdNextOfflineQueueWrite } from './testing/offline-queue-gate.js';
import { connectClient, startTestBroker, type TestClient } from './testing/test-broker.js';

function collect(client: TestClient): string[] {
  const payloads: string[] = [];
  client.on('message', (_topic, payload) => payloads.push(payload.toString()));
  return payloads;
}

describe('live delivery to a persistent session', () => {
  it('delivers a QoS 1 message whose offline-queue write finished after a later message was delivered', async () => {
    await using broker = await startTestBroker();
    await using subscriber = await connectClient(broker.tcpUrl, { clientId: 'late-store-sub', clean: false });
    const received = collect(subscriber);
    await subscriber.subscribeAsync('orders/new', { qos: 1 });
    await using publisher = await connectClient(broker.tcpUrl);

    // The first message's write to the session's queue is held, so the second one (a higher broker
    // counter) reaches the subscriber first: aedes 1.2 then skipped the first until the next reconnect.
    using gate = holdNextOfflineQueueWrite(broker.aedes);
    const first = publisher.publishAsync('orders/new', 'first', { qos: 1 });
    await gate.reached;
    await publisher.publishAsync('orders/new', 'second', { qos: 1 });
    await waitFor(() => received.includes('second'), { what: 'the second message at the subscriber' });

    gate.release();
    await first;
    await waitFor(() => received.includes('first'), { timeoutMs: 5000, what: 'the first message at the subscriber' }).catch(() => undefined);
    expect(received.sort()).toEqual(['first', 'second']);
  });

  it('still sends one copy of a message that matches overlapping subscriptions', async () => {
    await using broker = await startTestBroker();
    await using subscriber = await connectClient(broker.tcpUrl, { clientId: 'overlap-sub', clean: false });
    const received = collect(subscriber);
    await subscriber.subscribeAsync({ 'orders/#': { qos: 1 }, 'orders/+': { qos: 1 } });
    await using publisher = await connectClient(broker.tcpUrl);

    await publisher.publishAsync('orders/new', 'once', { qos: 1 });
    await publisher.publishAsync('orders/new', 'marker', { qos: 1 });
    await publisher.publishAsync('orders/new', 'qos0', { qos: 0 });
    await waitFor(() => received.includes('marker') && received.includes('qos0'), { what: 'the marker messages at the subscriber' });
    // Copies of a message are handed over together, so by now a second copy of 'once' would be here too.
    expect(received.filter((payload) => payload === 'once')).toEqual(['once']);
  });
});
