import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@gateway/service-kit/testing';
import { describe, expect, it } from 'vitest';
import { holdNextOfflineQueueWrite } from './testing/offline-queue-gate.js';
import { connectClient, startTestBroker } from './testing/test-broker.js';

describe('QoS 1 acknowledgement', () => {
  it('sends the PUBACK only once the message is stored for the persistent sessions', async () => {
    await using broker = await startTestBroker();
    await using subscriber = await connectClient(broker.tcpUrl, { clientId: 'ack-after-store-sub', clean: false });
    const received: string[] = [];
    subscriber.on('message', (_topic, payload) => received.push(payload.toString()));
    await subscriber.subscribeAsync('alerts/fire', { qos: 1 });
    await using publisher = await connectClient(broker.tcpUrl);

    using gate = holdNextOfflineQueueWrite(broker.aedes);
    let acknowledged = false;
    const publish = publisher.publishAsync('alerts/fire', 'kitchen', { qos: 1 }).then(() => (acknowledged = true));
    await gate.reached;
    // A broker killed now has not stored the message: it must not have acknowledged it (aedes 1.2 had).
    await sleep(500);
    expect(acknowledged, 'PUBACK sent before the message was stored').toBe(false);

    gate.release();
    await publish;
    await waitFor(() => received.includes('kitchen'), { what: 'the message at the subscriber' });
  });

  it('still acknowledges QoS 1 publishes with no subscriber and QoS 2 publishes', async () => {
    await using broker = await startTestBroker();
    await using publisher = await connectClient(broker.tcpUrl);
    await using subscriber = await connectClient(broker.tcpUrl, { clientId: 'ack-qos2-sub', clean: false });
    const received: string[] = [];
    subscriber.on('message', (_topic, payload) => received.push(payload.toString()));
    await subscriber.subscribeAsync('alerts/#', { qos: 2 });

    await publisher.publishAsync('nobody/listens', 'x', { qos: 1 });
    await publisher.publishAsync('alerts/smoke', 'hall', { qos: 2 });
    await publisher.publishAsync('alerts/smoke', 'attic', { qos: 1 });
    await waitFor(() => received.length === 2, { what: 'both alerts at the subscriber' });
    expect(received.sort()).toEqual(['attic', 'hall']);
  });
});
