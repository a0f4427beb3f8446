import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { metricValue, waitFor } from '@gateway/service-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, nextMessage } from './testing/mqtt-clients.js';
import { startTestProxy, type TestProxy } from './testing/test-proxy.js';
import { startTestUpstream, type TestUpstream } from './testing/test-upstream.js';

/** A minimal MQTT 3.1.1 CONNECT (client id "raw", clean session, keepalive 0) and the CONNACK it earns. */
const connectPacket = Buffer.from([0x10, 0x0f, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x00, 0x00, 0x03, 0x72, 0x61, 0x77]);
const connack = Buffer.from([0x20, 0x02, 0x00, 0x00]);

describe('stream proxy (raw MQTT over TCP)', () => {
  let broker: TestUpstream;
  let proxy: TestProxy;

  beforeAll(async () => {
    broker = await startTestUpstream();
    proxy = await startTestProxy({ tcpUpstreams: broker.tcpAddress, wsUpstreams: broker.wsAddress });
  });
  afterAll(async () => {
    await proxy.close();
    await broker.close();
  });

  it('passes MQTT through both ways, to subscribers behind the proxy and at the broker', async () => {
    await using direct = await connectClient(broker.tcpUrl);
    await using viaProxy = await connectClient(proxy.tcpUrl);
    await using publisher = await connectClient(proxy.tcpUrl);
    await direct.subscribeAsync('proxy/tcp/+', { qos: 1 });
    await viaProxy.subscribeAsync('proxy/tcp/+', { qos: 1 });
    const atBroker = nextMessage(direct, 'proxy/tcp/a');
    const atProxy = nextMessage(viaProxy, 'proxy/tcp/a');
    const payload = 'x'.repeat(100_000);
    await publisher.publishAsync('proxy/tcp/a', payload, { qos: 1 });
    expect(await atBroker).toBe(payload);
    expect(await atProxy).toBe(payload);
  });

  it('carries mosquitto_pub and mosquitto_sub', async () => {
    // stdbuf: mosquitto_sub's output is line-buffered, so its debug lines arrive while it runs.
    const sub = spawn('stdbuf', ['-oL', 'mosquitto_sub', '-h', '127.0.0.1', '-p', String(proxy.tcpPort), '-t', 'proxy/debian', '-C', '1', '-W', '10', '-d']);
    let subOutput = '';
    sub.stdout.on('data', (chunk: Buffer) => (subOutput += chunk.toString('utf8')));
    // 'close', not 'exit': 'exit' can come before the last chunk of stdout has been read.
    const subClosed = once(sub, 'close');
    await waitFor(() => subOutput.includes('SUBACK'), { timeoutMs: 10_000, what: 'mosquitto_sub to subscribe' });
    const pub = spawn('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(proxy.tcpPort), '-t', 'proxy/debian', '-m', 'hello from mosquitto_pub', '-q', '1']);
    const [pubCode] = (await once(pub, 'exit')) as [number];
    expect(pubCode).toBe(0);
    const [subCode] = (await subClosed) as [number];
    expect(subCode).toBe(0);
    expect(subOutput).toContain('hello from mosquitto_pub');
  });

  it('keeps an idle connection open (no idle timeout by default) and forwards bytes sent before the upstream connected', async () => {
    const socket = connect(proxy.tcpPort, '127.0.0.1');
    // Written at once, while the proxy is still connecting to the broker.
    socket.write(connectPacket);
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    let closed = false;
    socket.once('close', () => (closed = true));
    await waitFor(() => received.length >= 4, { what: 'CONNACK' });
    expect(received.subarray(0, 4)).toEqual(connack);
    await sleep(1500);
    expect(closed).toBe(false);
    socket.write(Buffer.from([0xc0, 0x00])); // PINGREQ
    await waitFor(() => received.includes(Buffer.from([0xd0, 0x00])), { what: 'PINGRESP' });
    socket.end();
    await once(socket, 'close');
  });

  it('closes a connection idle longer than PROXY_IDLE_TIMEOUT when one is set', async () => {
    await using short = await startTestProxy({ tcpUpstreams: broker.tcpAddress, wsUpstreams: broker.wsAddress, env: { PROXY_IDLE_TIMEOUT: '300ms' } });
    expect(short.logs.matching('shorter than MQTT keepalive needs')).toHaveLength(1);
    const socket = connect(short.tcpPort, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.resume();
    socket.write(connectPacket);
    const started = Date.now();
    await once(socket, 'close');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await waitFor(() => short.logs.matching('idle too long').length === 1, { what: 'the idle timeout log line' });
  });

  it('survives a client that resets its connection, closing the upstream side', async () => {
    const socket = connect(proxy.tcpPort, '127.0.0.1');
    socket.write(connectPacket);
    await once(socket, 'data');
    socket.resetAndDestroy();
    await waitFor(async () => metricValue(await proxy.metrics(), 'gateway_proxy_connections_active', 'listener="tcp"') === 0, { what: 'the reset connection to be gone' });
    await using client = await connectClient(proxy.tcpUrl);
    expect(client.connected).toBe(true);
  });
});
