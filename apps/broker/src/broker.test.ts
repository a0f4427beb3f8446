import { connect as connectTcp } from 'node:net';
import { once } from 'node:events';
import { ErrorWithSubackPacket } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { metricValue, waitFor } from '@gateway/service-kit/testing';
import { connectClient, nextMessage, startTestBroker } from './testing/test-broker.js';

describe('broker over TCP', () => {
  it('delivers QoS 0, 1 and 2 messages and reports them in /metrics', async () => {
    await using broker = await startTestBroker();
    await using subscriber = await connectClient(broker.tcpUrl, { clientId: 'sub' });
    await using publisher = await connectClient(broker.tcpUrl, { clientId: 'pub' });
    await subscriber.subscribeAsync('sensors/+/temperature', { qos: 2 });

    for (const qos of [0, 1, 2] as const) {
      const received = nextMessage(subscriber);
      await publisher.publishAsync(`sensors/${String(qos)}/temperature`, `t${String(qos)}`, { qos });
      expect(await received).toMatchObject({ topic: `sensors/${String(qos)}/temperature`, qos });
      expect((await received).payload.toString()).toBe(`t${String(qos)}`);
    }

    const metrics = await (await fetch(`${broker.adminUrl}/metrics`)).text();
    expect(metricValue(metrics, 'gateway_broker_clients_connected', 'listener="tcp"')).toBe(2);
    expect(metricValue(metrics, 'gateway_broker_subscriptions', 'listener="tcp"')).toBe(1);
    expect(metricValue(metrics, 'gateway_broker_messages_received_total', 'listener="tcp"')).toBe(3);
    expect(metricValue(metrics, 'gateway_broker_messages_sent_total', 'listener="tcp"')).toBe(3);
    expect(metricValue(metrics, 'gateway_broker_bytes_received_total', 'listener="tcp"')).toBeGreaterThan(50);
    expect(metricValue(metrics, 'gateway_broker_bytes_sent_total', 'listener="tcp"')).toBeGreaterThan(20);
    expect(metricValue(metrics, 'gateway_broker_clients_connected', 'listener="websocket"')).toBe(0);
  });

  it('keeps the last retained message per topic and hands it to new subscribers', async () => {
    await using broker = await startTestBroker();
    await using publisher = await connectClient(broker.tcpUrl);
    await publisher.publishAsync('status/door', 'open', { qos: 1, retain: true });
    await publisher.publishAsync('status/door', 'closed', { qos: 1, retain: true });
    await using subscriber = await connectClient(broker.tcpUrl);
    const received = nextMessage(subscriber, 'status/door');
    await subscriber.subscribeAsync('status/#', { qos: 1 });
    const message = await received;
    expect(message.payload.toString()).toBe('closed');
    expect(message.retain).toBe(true);
    const metrics = await (await fetch(`${broker.adminUrl}/metrics`)).text();
    expect(metricValue(metrics, 'gateway_broker_retained_messages')).toBe(1);
  });

  it('publishes the will of a client whose connection drops without DISCONNECT', async () => {
    await using broker = await startTestBroker();
    await using watcher = await connectClient(broker.tcpUrl);
    await watcher.subscribeAsync('clients/+/status', { qos: 1 });
    const doomed = await connectClient(broker.tcpUrl, { clientId: 'doomed', will: { topic: 'clients/doomed/status', payload: Buffer.from('gone'), qos: 1, retain: false } });
    const will = nextMessage(watcher, 'clients/doomed/status');
    doomed.stream.destroy();
    expect((await will).payload.toString()).toBe('gone');
    await doomed.endAsync(true);
  });

  it('answers CONNACK 2 (identifier rejected) to an empty client id without a clean session, and accepts it with one', async () => {
    await using broker = await startTestBroker();
    const socket = connectTcp(broker.tcpPort, '127.0.0.1');
    await once(socket, 'connect');
    // CONNECT, MQTT 3.1.1, flags 0 (clean session off), keepalive 60, empty client id. MQTT.js refuses to
    // encode this packet (mqtt-packet: "clientId must be given if cleanSession set to 0"), so it is hand-made.
    socket.write(Buffer.from([0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x00, 0x00, 0x3c, 0x00, 0x00]));
    const [connack] = (await once(socket, 'data')) as [Buffer];
    expect([...connack]).toEqual([0x20, 0x02, 0x00, 0x02]);
    await once(socket, 'close');

    await using accepted = await connectClient(broker.tcpUrl, { clientId: '', clean: true });
    expect(accepted.connected).toBe(true);
  });

  it('refuses subscriptions within the deny list with SUBACK 0x80 while other topics work', async () => {
    await using broker = await startTestBroker({ topicDeny: ['test/nosubscribe'] });
    await using client = await connectClient(broker.tcpUrl);
    // MQTT.js rejects a SUBACK holding a failure code, attaching the packet.
    const refusal = await client.subscribeAsync(['test/nosubscribe', 'test/ok'], { qos: 1 }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ErrorWithSubackPacket);
    expect((refusal as ErrorWithSubackPacket).packet.granted).toEqual([128, 1]);
    // A publish to a denied topic is acknowledged and dropped; the connection stays up.
    await using watcher = await connectClient(broker.tcpUrl);
    await watcher.subscribeAsync('#');
    const messages: string[] = [];
    watcher.on('message', (topic) => messages.push(topic));
    await client.publishAsync('test/nosubscribe', 'x', { qos: 1 });
    const received = nextMessage(client, 'test/ok');
    await client.publishAsync('test/ok', 'y', { qos: 1 });
    expect((await received).payload.toString()).toBe('y');
    await waitFor(() => messages.includes('test/ok'));
    expect(messages).not.toContain('test/nosubscribe');
    expect(client.connected).toBe(true);
  });

  it('closes a connection that sends a packet over the maximum size and keeps serving others', async () => {
    await using broker = await startTestBroker({ maxPacketSize: 1024 });
    await using bystander = await connectClient(broker.tcpUrl);
    await bystander.subscribeAsync('big/#');
    await using offender = await connectClient(broker.tcpUrl);
    const closed = new Promise<void>((resolve) => offender.once('close', () => resolve()));
    offender.publish('big/one', Buffer.alloc(4096));
    await closed;
    const received = nextMessage(bystander, 'big/small');
    await bystander.publishAsync('big/small', Buffer.alloc(900));
    expect((await received).payload.length).toBe(900);
    const metrics = await (await fetch(`${broker.adminUrl}/metrics`)).text();
    expect(metricValue(metrics, 'gateway_broker_oversized_packets_total', 'listener="tcp"')).toBe(1);
  });
});

describe('admin server', () => {
  it('answers /healthz, /readyz and counts connected clients in /metrics', async () => {
    await using broker = await startTestBroker();
    expect(await (await fetch(`${broker.adminUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${broker.adminUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { listeners: true, persistence: true } });
    const connected = async () => metricValue(await (await fetch(`${broker.adminUrl}/metrics`)).text(), 'gateway_broker_clients_connected', 'listener="tcp"');
    expect(await connected()).toBe(0);
    await using client = await connectClient(broker.tcpUrl);
    expect(await connected()).toBe(1);
    await client.endAsync();
    await waitFor(async () => (await connected()) === 0, { what: 'the client count to drop to 0' });
  });
});

describe('clients that leave during their CONNECT', () => {
  it('are not left registered (aedes 1.2 would count them as connected forever)', async () => {
    await using broker = await startTestBroker();
    const connectPacket = Buffer.from([0x10, 0x0e, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x02, 0, 60, 0, 2, 0x69, 0x64]);
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        const socket = connectTcp(broker.tcpPort, '127.0.0.1');
        socket.on('error', () => undefined);
        await once(socket, 'connect');
        socket.end(connectPacket);
        socket.destroy();
      }),
    );
    await using stays = await connectClient(broker.tcpUrl);
    const connectedCount = async () =>
      metricValue(await (await fetch(`${broker.adminUrl}/metrics`)).text(), 'gateway_broker_clients_connected', 'listener="tcp"');
    await waitFor(async () => (await connectedCount()) === 1, { what: 'only the one live client counted' });
    expect(broker.aedes.connectedClients).toBe(1);
    expect(stays.connected).toBe(true);
  });
});
