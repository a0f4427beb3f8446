// The simulator against our real MQTT broker (@gateway/broker) over real sockets: readings, retained statuses, the last
// will on an abrupt disconnect, reconnecting, and the image publisher.
import { connect as netConnect, createServer, type Server, type Socket } from 'node:net';
import { startTestBroker, type TestBroker } from '@gateway/broker/testing';
import { waitFor } from '@gateway/service-kit/testing';
import { imageSelection, imageSelectionTopic, isKnownImage, parseSensorReadingTopic, sensorReadings, sensorStatus, sensorStatusTopic, type SensorReading } from '@gateway/topics';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from './index.js';

/** A TCP relay to the broker whose connections the test can cut abruptly (no DISCONNECT), like a crash or a dropped link. */
class FlakyLink {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private refusing = false;

  private constructor(targetPort: number) {
    this.server = createServer((client) => {
      if (this.refusing) {
        client.destroy();
        return;
      }
      const upstream = netConnect(targetPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }

  static async start(targetPort: number): Promise<{ link: FlakyLink; url: string }> {
    const link = new FlakyLink(targetPort);
    await new Promise<void>((resolve) => link.server.listen(0, '127.0.0.1', resolve));
    const address = link.server.address();
    if (address === null || typeof address === 'string') throw new Error('relay has no port');
    return { link, url: `mqtt://127.0.0.1:${address.port}` };
  }

  /** Destroys every relayed connection and, while `refusing`, drops new ones. */
  cut(refusing: boolean): void {
    this.refusing = refusing;
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.cut(true);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

interface Received {
  topic: string;
  payload: Buffer;
  retain: boolean;
}

/** A subscriber that records everything it receives on `filters`. */
async function subscribe(url: string, filters: string[]): Promise<{ client: MqttClient; messages: Received[] }> {
  const client = await connectAsync(url, { clientId: `test-${Math.random().toString(16).slice(2)}`, reconnectPeriod: 0 });
  const messages: Received[] = [];
  client.on('message', (topic, payload, packet) => messages.push({ topic, payload, retain: packet.retain }));
  await client.subscribeAsync(filters, { qos: 1 });
  return { client, messages };
}

function statuses(messages: Received[], sensorId: string): string[] {
  return messages.filter((message) => message.topic === sensorStatusTopic(sensorId)).map((message) => message.payload.toString());
}

describe('the simulator against a real broker', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker({ persistence: 'memory' });
  });
  afterAll(async () => {
    await broker.close();
  });

  it('publishes valid readings for every sensor and retained online/offline statuses', async () => {
    const readings = await subscribe(broker.tcpUrl, [sensorReadings.filter]);
    await using simulator = await startSimulator({ url: broker.tcpUrl, sensors: 3, intervalMs: 100, imagesIntervalMs: 0, seed: 1 });
    expect(simulator.sensorIds).toEqual(['Sensor01', 'Sensor02', 'Sensor03']);

    const bySensor = new Map<string, SensorReading[]>();
    await waitFor(
      () => {
        bySensor.clear();
        for (const message of readings.messages) {
          const decoded = sensorReadings.payload.decode(message.payload);
          if (!decoded.ok) throw new Error(`invalid reading on ${message.topic}: ${decoded.error}`);
          expect(parseSensorReadingTopic(message.topic)?.sensorId).toBe(decoded.value.sensorId);
          bySensor.set(decoded.value.sensorId, [...(bySensor.get(decoded.value.sensorId) ?? []), decoded.value]);
        }
        return simulator.sensorIds.every((id) => (bySensor.get(id)?.length ?? 0) >= 3);
      },
      { what: '3 readings from each sensor' },
    );
    expect(bySensor.get('Sensor01')?.[0]).toMatchObject({ kind: 'temperature', unit: '°C' });
    expect(bySensor.get('Sensor02')?.[0]).toMatchObject({ kind: 'humidity', unit: '%' });
    expect(bySensor.get('Sensor03')?.[0]).toMatchObject({ kind: 'pressure', unit: 'hPa' });
    for (const list of bySensor.values()) {
      expect(list.map((reading) => reading.seq)).toEqual(list.map((_, index) => index));
      expect(list.every((reading) => Math.abs(reading.ts - Date.now()) < 10_000)).toBe(true);
    }
    expect(simulator.stats()).toMatchObject({ connected: 3, sensors: 3, skipped: 0, state: 'connected' });
    expect(simulator.stats().sent).toBeGreaterThanOrEqual(9);
    await readings.client.endAsync();

    // A subscriber arriving later still learns that each sensor is online, from the retained status.
    const late = await subscribe(broker.tcpUrl, [sensorStatus.filter]);
    await waitFor(() => simulator.sensorIds.every((id) => statuses(late.messages, id).includes('online')), { what: 'retained online statuses' });
    expect(late.messages.every((message) => message.retain)).toBe(true);

    // A clean close publishes offline first, also retained.
    await simulator.close();
    await waitFor(() => simulator.sensorIds.every((id) => statuses(late.messages, id).at(-1) === 'offline'), { what: 'offline statuses' });
    expect(simulator.stats()).toMatchObject({ connected: 0, state: 'closed' });
    await late.client.endAsync();

    const afterwards = await subscribe(broker.tcpUrl, [sensorStatus.filter]);
    await waitFor(() => simulator.sensorIds.every((id) => statuses(afterwards.messages, id).join() === 'offline'), { what: 'retained offline statuses' });
    await afterwards.client.endAsync();
  });

  it('reports offline through the last will when connections drop abruptly, skips readings while down, then reconnects', async () => {
    const { link, url } = await FlakyLink.start(broker.tcpPort);
    const watcher = await subscribe(broker.tcpUrl, [sensorStatus.filter]);
    await using simulator = await startSimulator({ url, sensors: 2, intervalMs: 50, imagesIntervalMs: 0, prefix: 'Flaky', reconnectPeriodMs: 200, seed: 2 });
    try {
      await waitFor(() => simulator.sensorIds.every((id) => statuses(watcher.messages, id).at(-1) === 'online'), { what: 'online statuses' });

      link.cut(true);
      await waitFor(() => simulator.sensorIds.every((id) => statuses(watcher.messages, id).at(-1) === 'offline'), { what: 'offline from the last will' });
      await waitFor(() => simulator.stats().state === 'disconnected', { what: 'the disconnected state' });
      await waitFor(() => simulator.stats().skipped >= 4, { what: 'skipped readings while disconnected' });

      link.cut(false);
      await waitFor(() => simulator.sensorIds.every((id) => statuses(watcher.messages, id).at(-1) === 'online'), { what: 'online again after reconnecting' });
      const sentBefore = simulator.stats().sent;
      await waitFor(() => simulator.stats().sent > sentBefore + 2, { what: 'readings after reconnecting' });
      expect(simulator.stats()).toMatchObject({ connected: 2, state: 'connected' });
    } finally {
      await simulator.close();
      await link.close();
      await watcher.client.endAsync();
    }
  });

  it('publishes only known image names, as plain text on the image selection topic', async () => {
    const images = await subscribe(broker.tcpUrl, [imageSelectionTopic()]);
    await using simulator = await startSimulator({ url: broker.tcpUrl, sensors: 1, intervalMs: 1000, imagesIntervalMs: 50, prefix: 'Img', seed: 3 });
    await waitFor(() => images.messages.length >= 5, { what: '5 image selections' });
    for (const message of images.messages) {
      const decoded = imageSelection.payload.decode(message.payload);
      expect(decoded.ok && isKnownImage(decoded.value)).toBe(true);
    }
    const names = images.messages.map((message) => message.payload.toString());
    // Consecutive selections differ, so the display visibly changes.
    expect(names.every((name, index) => index === 0 || name !== names[index - 1])).toBe(true);
    expect(simulator.stats().imagesSent).toBeGreaterThanOrEqual(5);
    expect(simulator.stats().imagePublisherConnected).toBe(true);
    await images.client.endAsync();
  });
});
