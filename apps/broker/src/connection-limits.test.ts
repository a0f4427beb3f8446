import { once } from 'node:events';
import { connect as connectTcp, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { metricValue, waitFor } from '@gateway/service-kit/testing';
import { connectClient, startTestBroker, type TestBroker } from './testing/test-broker.js';

/** A CONNECT packet (MQTT 3.1.1, keepalive 60 s) for `clientId`. */
function connectPacket(clientId: string, clean = true): Buffer {
  const id = Buffer.from(clientId);
  const body = Buffer.concat([Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, clean ? 0x02 : 0x00, 0, 60, id.length >> 8, id.length & 0xff]), id]);
  return Buffer.concat([Buffer.from([0x10, body.length]), body]);
}

async function openSocket(port: number): Promise<Socket> {
  const socket = connectTcp(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.on('error', () => undefined);
  return socket;
}

/** Milliseconds until the broker closes `socket`. */
async function closedAfter(socket: Socket): Promise<number> {
  const started = performance.now();
  await once(socket, 'close');
  return performance.now() - started;
}

/** The CONNACK return code a refused connection got; undefined when it was accepted (and then closed). */
async function refusalCode(url: string): Promise<unknown> {
  return connectClient(url).then(
    async (client) => {
      await client.endAsync(true);
      return undefined;
    },
    (error: unknown) => (error as { code?: unknown }).code,
  );
}

async function limitCount(broker: TestBroker, limit: string): Promise<number | undefined> {
  const metrics = await (await fetch(`${broker.adminUrl}/metrics`)).text();
  const values = ['tcp', 'websocket'].map((listener) => metricValue(metrics, 'gateway_broker_limit_rejections_total', `limit="${limit}",listener="${listener}"`) ?? 0);
  return values.reduce((sum, value) => sum + value, 0);
}

describe('connection limits', () => {
  it('refuses connections over the per-address cap with CONNACK 3 and admits again once one closes', async () => {
    await using broker = await startTestBroker({ maxConnectionsPerAddress: 2 });
    const first = await connectClient(broker.tcpUrl);
    await using second = await connectClient(broker.wsUrl());
    expect(await refusalCode(broker.tcpUrl)).toBe(3);
    expect(await limitCount(broker, 'max_connections_per_address')).toBe(1);
    await first.endAsync();
    await waitFor(async () => (await refusalCode(broker.tcpUrl)) === undefined, { what: 'a free slot' });
    expect(second.connected).toBe(true);
  });

  it('refuses connections over the total cap', async () => {
    await using broker = await startTestBroker({ maxConnections: 1 });
    await using only = await connectClient(broker.tcpUrl);
    expect(await refusalCode(broker.wsUrl())).toBe(3);
    expect(await limitCount(broker, 'max_connections')).toBe(1);
    expect(only.connected).toBe(true);
  });

  it('closes a socket that sends nothing, or trickles its CONNECT, within the CONNECT deadline', async () => {
    await using broker = await startTestBroker({ connectTimeoutMs: 500 });
    const silent = await openSocket(broker.tcpPort);
    const trickling = await openSocket(broker.tcpPort);
    const packet = connectPacket('slowloris');
    let sent = 0;
    const drip = setInterval(() => {
      if (sent < packet.length && !trickling.destroyed) trickling.write(packet.subarray(sent, (sent += 1)));
    }, 200);
    const [silentMs, tricklingMs] = await Promise.all([closedAfter(silent), closedAfter(trickling)]);
    clearInterval(drip);
    expect(silentMs).toBeLessThan(5000);
    expect(tricklingMs).toBeLessThan(5000);
    expect(sent).toBeLessThan(packet.length);
    expect(await limitCount(broker, 'connect_timeout')).toBe(2);
    await using client = await connectClient(broker.tcpUrl);
    expect(client.connected).toBe(true);
  });

  it('closes a WebSocket listener connection that never finishes its upgrade', async () => {
    await using broker = await startTestBroker({ connectTimeoutMs: 500 });
    const socket = await openSocket(broker.wsPort);
    socket.write('GET /mqtt HTTP/1.1\r\nHost: x\r\n'); // headers never finished
    expect(await closedAfter(socket)).toBeLessThan(5000);
    expect(await limitCount(broker, 'connect_timeout')).toBe(1);
  });

  it('closes a connection whose first packet is not CONNECT, at once', async () => {
    await using broker = await startTestBroker({ connectTimeoutMs: 30_000 });
    const socket = await openSocket(broker.tcpPort);
    socket.write(Buffer.from([0xc0, 0x00])); // PINGREQ
    expect(await closedAfter(socket)).toBeLessThan(5000);
    await waitFor(async () => (await limitCount(broker, 'connect_required')) === 1, { what: 'connect_required counted' });
  });

  it('rate-limits CONNECTs per source address', async () => {
    await using broker = await startTestBroker({ connectRateLimit: 3, connectRateWindowMs: 60_000 });
    for (let attempt = 0; attempt < 3; attempt += 1) expect(await refusalCode(broker.tcpUrl)).toBeUndefined();
    expect(await refusalCode(broker.tcpUrl)).toBe(3);
    expect(await refusalCode(broker.wsUrl())).toBe(3);
    expect(await limitCount(broker, 'connect_rate')).toBe(2);
  });

  it('disconnects a subscriber that stops acknowledging QoS 1 messages, and redelivers to its session later', async () => {
    await using broker = await startTestBroker({ maxInflight: 5, inflightTimeoutMs: 300 });
    // A raw client: it subscribes with QoS 1 and never sends a PUBACK (MQTT.js always acknowledges in the end).
    const lazy = await openSocket(broker.tcpPort);
    const subscribe = Buffer.from([0x82, 0x0b, 0, 1, 0, 6, ...Buffer.from('load/#'), 1]);
    lazy.write(Buffer.concat([connectPacket('lazy', false), subscribe]));
    const received: Buffer[] = [];
    lazy.on('data', (data: Buffer) => received.push(data));
    await waitFor(() => Buffer.concat(received).includes(Buffer.from([0x90, 0x03, 0, 1, 1])), { what: 'SUBACK' });
    const closed = closedAfter(lazy);
    await using publisher = await connectClient(broker.tcpUrl);
    // Over the limit at once, but closed only once it has acknowledged nothing for the timeout.
    for (let index = 0; index < 8; index += 1) await publisher.publishAsync(`load/${String(index)}`, 'x', { qos: 1 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(lazy.destroyed).toBe(false);
    for (let index = 8; index < 10; index += 1) await publisher.publishAsync(`load/${String(index)}`, 'x', { qos: 1 });
    await closed;
    expect(await limitCount(broker, 'inflight_outbound')).toBe(1);

    // Its session hands all 10 over at once, twice the limit: a client that acknowledges them is not closed.
    await using again = await connectClient(broker.tcpUrl, { clientId: 'lazy', clean: false });
    const topics = new Set<string>();
    again.on('message', (topic) => topics.add(topic));
    await waitFor(() => topics.size === 10, { what: 'all 10 messages redelivered' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(again.connected).toBe(true);
    expect(await limitCount(broker, 'inflight_outbound')).toBe(1);
  });

  it('disconnects a subscriber that stops reading, without holding back the others', async () => {
    await using broker = await startTestBroker({ maxOutboundBuffer: 64 * 1024 });
    const stuck = await openSocket(broker.tcpPort);
    const subscribe = Buffer.from([0x82, 0x0c, 0, 1, 0, 7, ...Buffer.from('flood/#'), 0]);
    stuck.write(Buffer.concat([connectPacket('stuck'), subscribe]));
    await once(stuck, 'data'); // CONNACK (and maybe SUBACK): from now on it reads nothing
    stuck.pause();
    await using healthy = await connectClient(broker.tcpUrl);
    await healthy.subscribeAsync('flood/#', { qos: 0 });
    let received = 0;
    healthy.on('message', () => (received += 1));
    await using publisher = await connectClient(broker.tcpUrl);
    const payload = Buffer.alloc(4096, 1);
    for (let index = 0; index < 3000; index += 1) await publisher.publishAsync('flood/x', payload, { qos: 1 });
    await waitFor(() => received === 3000, { what: 'all 3000 messages at the healthy subscriber', timeoutMs: 30_000 });
    expect(await limitCount(broker, 'slow_consumer')).toBe(1);
  });
});
