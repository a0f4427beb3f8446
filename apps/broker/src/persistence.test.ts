import { describe, expect, it } from 'vitest';
import { openPersistence } from './persistence.js';
import { createClient, createTempDir, connectClient, nextMessage, startTestBroker } from './testing/test-broker.js';

describe('durable persistence across a broker restart', () => {
  it('keeps a persistent session, its queued QoS 1 message and retained messages', async () => {
    await using dataDir = await createTempDir();
    {
      await using broker = await startTestBroker({ dataDir: dataDir.path });
      const subscriber = await connectClient(broker.tcpUrl, { clientId: 'persistent-sub', clean: false });
      await subscriber.subscribeAsync('alerts/#', { qos: 1 });
      await subscriber.endAsync();
      await using publisher = await connectClient(broker.tcpUrl);
      await publisher.publishAsync('alerts/fire', 'while you were away', { qos: 1 });
      await publisher.publishAsync('config/mode', 'eco', { qos: 1, retain: true });
    }
    await using broker = await startTestBroker({ dataDir: dataDir.path });
    await using subscriber = createClient(broker.tcpUrl, { clientId: 'persistent-sub', clean: false });
    const queued = nextMessage(subscriber, 'alerts/fire');
    subscriber.connect();
    const message = await queued;
    expect(message.payload.toString()).toBe('while you were away');
    expect(message.qos).toBe(1);

    await using reader = await connectClient(broker.tcpUrl);
    const retained = nextMessage(reader, 'config/mode');
    await reader.subscribeAsync('config/mode');
    expect((await retained).payload.toString()).toBe('eco');
  });

  it('publishes the retained wills of connected clients on shutdown and has them after restart', async () => {
    await using dataDir = await createTempDir();
    {
      await using broker = await startTestBroker({ dataDir: dataDir.path });
      const device = await connectClient(broker.tcpUrl, { clientId: 'device-7', will: { topic: 'devices/7/online', payload: Buffer.from('false'), qos: 1, retain: true } });
      await broker.close();
      await device.endAsync(true);
    }
    await using broker = await startTestBroker({ dataDir: dataDir.path });
    await using reader = await connectClient(broker.tcpUrl);
    const retained = nextMessage(reader, 'devices/7/online');
    await reader.subscribeAsync('devices/+/online');
    const will = await retained;
    expect(will.payload.toString()).toBe('false');
    expect(will.retain).toBe(true);
  });
});

describe('openPersistence', () => {
  it('reports a retained-message read that fails (the store closed under it) instead of throwing it', async () => {
    await using dataDir = await createTempDir();
    const errors: Error[] = [];
    const persistence = await openPersistence('level', dataDir.path, (error) => errors.push(error));
    await persistence.close();
    // What aedes does with a SUBSCRIBE's retained messages: pipe the stream on, with no 'error' listener of its own.
    const stream = persistence.aedesPersistence.createRetainedStreamCombi(['#']);
    stream.resume();
    await new Promise((resolve) => stream.once('close', resolve));
    expect(errors.map((error) => (error as Error & { code?: string }).code)).toEqual(['LEVEL_DATABASE_NOT_OPEN']);
  });
});
