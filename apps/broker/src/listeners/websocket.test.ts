import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect } from 'node:net';
import { generate, parser as createParser, type Packet } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { encodeClientFrame } from '../testing/websocket-frames.js';
import { metricValue } from '@gateway/service-kit/testing';
import { connectClient, nextMessage, startTestBroker } from '../testing/test-broker.js';
import { chooseSubprotocol } from './websocket.js';

describe('WebSocket listener', () => {
  it('carries MQTT on any path, between WebSocket and TCP clients', async () => {
    await using broker = await startTestBroker();
    await using wsClient = await connectClient(broker.wsUrl('/anything/at/all'));
    await using tcpClient = await connectClient(broker.tcpUrl);
    await wsClient.subscribeAsync('from/tcp', { qos: 1 });
    await tcpClient.subscribeAsync('from/ws', { qos: 1 });

    const atWs = nextMessage(wsClient, 'from/tcp');
    await tcpClient.publishAsync('from/tcp', 'hello ws', { qos: 1 });
    expect((await atWs).payload.toString()).toBe('hello ws');
    const atTcp = nextMessage(tcpClient, 'from/ws');
    await wsClient.publishAsync('from/ws', 'hello tcp', { qos: 2 });
    expect((await atTcp).payload.toString()).toBe('hello tcp');

    const metrics = await (await fetch(`${broker.adminUrl}/metrics`)).text();
    expect(metricValue(metrics, 'gateway_broker_clients_connected', 'listener="websocket"')).toBe(1);
    expect(metricValue(metrics, 'gateway_broker_messages_received_total', 'listener="websocket"')).toBe(1);
    expect(metricValue(metrics, 'gateway_broker_bytes_received_total', 'listener="websocket"')).toBeGreaterThan(0);
  });

  it('negotiates the mqtt subprotocol (or mqttv3.1)', async () => {
    expect(chooseSubprotocol(new Set(['mqttv3.1']))).toBe('mqttv3.1');
    expect(chooseSubprotocol(new Set(['chat']))).toBe(false);
    await using broker = await startTestBroker();
    const socket = new WebSocket(broker.wsUrl('/'), ['other', 'mqtt']);
    await once(socket, 'open');
    expect(socket.protocol).toBe('mqtt');
    socket.close();
    await once(socket, 'close');
  });

  it('closes a connection whose packet is over the maximum size and keeps serving others', async () => {
    await using broker = await startTestBroker({ maxPacketSize: 1024 });
    await using bystander = await connectClient(broker.wsUrl());
    await bystander.subscribeAsync('big/#');

    // One WebSocket message over maxPayload: ws closes with 1009 before anything reaches aedes.
    const raw = new WebSocket(broker.wsUrl(), 'mqtt');
    await once(raw, 'open');
    raw.send(Buffer.alloc(4096));
    const [code] = (await once(raw, 'close')) as [number];
    expect(code).toBe(1009);

    // MQTT.js writes a PUBLISH as several WebSocket messages, each under maxPayload: the packet guard sees
    // the whole packet's length (7 + 2 + 1020 + 3 bytes) in its fixed header and closes the connection.
    await using offender = await connectClient(broker.wsUrl());
    const closed = new Promise<void>((resolve) => offender.once('close', () => resolve()));
    offender.publish('big/one', Buffer.alloc(1020));
    await closed;

    const received = nextMessage(bystander, 'big/small');
    await bystander.publishAsync('big/small', Buffer.alloc(900));
    expect((await received).payload.length).toBe(900);
    const metrics = await (await fetch(`${broker.adminUrl}/metrics`)).text();
    expect(metricValue(metrics, 'gateway_broker_oversized_packets_total', 'listener="websocket"')).toBe(1);
  });

  it('delivers a burst of packets whole and in order, several packets to a WebSocket message', async () => {
    await using broker = await startTestBroker();
    // A raw WebSocket subscriber, to see the messages themselves; mqtt-packet parses the bytes across them.
    const subscriber = new WebSocket(broker.wsUrl(), 'mqtt');
    await once(subscriber, 'open');
    const packets: Packet[] = [];
    const parser = createParser();
    parser.on('packet', (packet) => packets.push(packet));
    let messages = 0;
    subscriber.on('message', (data: Buffer) => {
      messages += 1;
      parser.parse(data);
    });
    const until = async (done: () => boolean) => {
      const deadline = Date.now() + 20_000;
      while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    subscriber.send(generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'raw-ws', clean: true, keepalive: 60 }));
    subscriber.send(generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'burst/+', qos: 1 }] }));
    await until(() => packets.some((packet) => packet.cmd === 'suback'));
    expect(packets.map((packet) => packet.cmd)).toEqual(['connack', 'suback']);

    const count = 300;
    await using publisher = await connectClient(broker.tcpUrl);
    for (let index = 0; index < count; index += 1) publisher.publish(`burst/${String(index % 3)}`, `message ${String(index)}`);
    const publishes = () => packets.filter((packet) => packet.cmd === 'publish');
    await until(() => publishes().length === count);
    expect(publishes().map((packet) => packet.payload.toString())).toEqual(Array.from({ length: count }, (_, index) => `message ${String(index)}`));
    // Without batching every packet is at least one message.
    expect(messages - 2).toBeLessThan(count);
    subscriber.close();
  });

  it('reads WebSocket frames however TCP splits them: a frame over several reads, several frames in one read', async () => {
    await using broker = await startTestBroker();
    await using subscriber = await connectClient(broker.tcpUrl);
    await subscriber.subscribeAsync('split/#');
    const received: string[] = [];
    subscriber.on('message', (_topic, payload) => received.push(payload.toString()));

    const socket = connect(Number(new URL(broker.wsUrl()).port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write(
      ['GET /mqtt HTTP/1.1', 'Host: localhost', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`, 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Protocol: mqtt', '', ''].join('\r\n'),
    );
    const [response] = (await once(socket, 'data')) as [Buffer];
    expect(response.toString()).toMatch(/^HTTP\/1\.1 101/);

    /** Writes `bytes` in pieces of 1 to 40 bytes, each given its own turn of the event loop so the broker reads it on its own. */
    const writeInPieces = async (bytes: Buffer) => {
      for (let offset = 0; offset < bytes.length; ) {
        const size = 1 + Math.floor(Math.random() * 40);
        socket.write(bytes.subarray(offset, offset + size));
        offset += size;
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const binaryFrame = (payload: Buffer) => encodeClientFrame({ fin: true, opcode: 2, payload });
    const connack = once(socket, 'data');
    await writeInPieces(binaryFrame(generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'split-frames', clean: true, keepalive: 60 })));
    const [frame] = (await connack) as [Buffer];
    expect(frame.subarray(2, 4)).toEqual(Buffer.from([0x20, 0x02])); // an unmasked binary frame holding CONNACK

    // Short payloads (7-bit frame length) and long ones (16-bit length), all masked as a client must; the
    // first half in small pieces, the rest in one write that holds many frames.
    const payloads = Array.from({ length: 200 }, (_, index) => (index % 5 === 0 ? `long ${String(index)} ${'x'.repeat(300)}` : `short ${String(index)}`));
    const frames = payloads.map((payload, index) => binaryFrame(generate({ cmd: 'publish', topic: `split/${String(index % 4)}`, payload, qos: 0, retain: false, dup: false })));
    await writeInPieces(Buffer.concat(frames.slice(0, 100)));
    socket.write(Buffer.concat(frames.slice(100)));
    const deadline = Date.now() + 10_000;
    while (received.length < payloads.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received).toEqual(payloads);
    socket.destroy();
  });
});
