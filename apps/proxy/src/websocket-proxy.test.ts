import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { close, listen } from '@gateway/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createProxyMetrics } from './metrics.js';
import { OpenConnections } from './open-connections.js';
import { captureLogs } from '@gateway/service-kit/testing';
import { createTestCa } from './testing/certificates.js';
import { connectClient, nextMessage } from './testing/mqtt-clients.js';
import { rawRequest, websocketUpgradeRequest } from './testing/raw-http.js';
import { startTestProxy, type TestProxy } from './testing/test-proxy.js';
import { startTestUpstream, type TestUpstream } from './testing/test-upstream.js';
import { UpstreamPool } from './upstream-pool.js';
import { createWebSocketProxy } from './websocket-proxy.js';

const pahoClient = fileURLToPath(new URL('./testing/paho_ws_client.py', import.meta.url));

describe('WebSocket proxy', () => {
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

  it('passes MQTT over WebSocket through, to subscribers behind the proxy and at the broker', async () => {
    await using direct = await connectClient(broker.tcpUrl);
    await using viaProxy = await connectClient(proxy.wsUrl());
    await using publisher = await connectClient(proxy.wsUrl());
    await direct.subscribeAsync('proxy/ws/+', { qos: 1 });
    await viaProxy.subscribeAsync('proxy/ws/+', { qos: 1 });
    const atBroker = nextMessage(direct, 'proxy/ws/a');
    const atProxy = nextMessage(viaProxy, 'proxy/ws/a');
    const payload = 'y'.repeat(100_000);
    await publisher.publishAsync('proxy/ws/a', payload, { qos: 1 });
    expect(await atBroker).toBe(payload);
    expect(await atProxy).toBe(payload);
  });

  it('carries a paho-mqtt (Python) WebSocket client', async () => {
    await using direct = await connectClient(broker.tcpUrl);
    await direct.subscribeAsync('proxy/paho', { qos: 1 });
    const atBroker = nextMessage(direct, 'proxy/paho');
    const { stdout } = await promisify(execFile)('/usr/bin/python3', [pahoClient, '127.0.0.1', String(proxy.wsPort), '/mqtt', 'proxy/paho', 'hello from paho'], {
      timeout: 15_000,
    });
    expect(JSON.parse(stdout)).toEqual({ connected: 0, received: 'hello from paho' });
    expect(await atBroker).toBe('hello from paho');
  });

  it('answers the upgrade with the broker’s 101 and its Sec-WebSocket-Protocol', async () => {
    const response = await rawRequest(proxy.wsPort, websocketUpgradeRequest('/mqtt', `127.0.0.1:${String(proxy.wsPort)}`, 'mqtt'));
    expect(response.statusLine).toBe('HTTP/1.1 101 Switching Protocols');
    expect(response.headers['sec-websocket-protocol']).toBe('mqtt');
    expect(response.headers['sec-websocket-accept']).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    response.socket.end();
    await response.ended;
  });
});

describe('WebSocket proxy, byte level', () => {
  it('forwards frames untouched and tells the upstream who the client is', async () => {
    let upgradeHeaders: IncomingHttpHeaders | undefined;
    let upgradeUrl: string | undefined;
    const upstream = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (offered) => (offered.has('mqtt') ? 'mqtt' : false) });
    upstream.on('connection', (socket, request) => {
      upgradeHeaders = request.headers;
      upgradeUrl = request.url;
      socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    });
    await once(upstream, 'listening');
    const upstreamPort = (upstream.address() as { port: number }).port;
    await using proxy = await startTestProxy({ tcpUpstreams: '127.0.0.1:1', wsUpstreams: `127.0.0.1:${String(upstreamPort)}` });

    const client = new WebSocket(proxy.wsUrl('/some/path?x=1'), 'mqtt');
    await once(client, 'open');
    expect(client.protocol).toBe('mqtt');
    const message = Buffer.alloc(200_000, 7);
    client.send(message);
    const [echoed] = (await once(client, 'message')) as [Buffer];
    expect(Buffer.compare(echoed, message)).toBe(0);
    expect(upgradeUrl).toBe('/some/path?x=1');
    expect(upgradeHeaders?.['x-forwarded-for']).toBe('127.0.0.1');
    expect(upgradeHeaders?.['x-real-ip']).toBe('127.0.0.1');
    expect(upgradeHeaders?.['x-forwarded-proto']).toBe('ws');
    client.close();
    await once(client, 'close');
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  it('keeps upgraded connections out of the HTTP server’s timeouts', async () => {
    await using broker = await startTestUpstream();
    // An HTTP server with every timeout far shorter than the idle period below.
    const server = createServer({ requestTimeout: 400, headersTimeout: 300, keepAliveTimeout: 200, connectionsCheckingInterval: 100 });
    server.setTimeout(300);
    const { logger } = captureLogs('proxy');
    server.on(
      'upgrade',
      createWebSocketProxy({
        pool: new UpstreamPool({ upstreams: [{ host: '127.0.0.1', port: broker.wsPort }], connectTimeoutMs: 2000, retries: 0, retryDelayMs: 0 }),
        idleTimeoutMs: 0,
        metrics: createProxyMetrics(),
        logger,
        connections: new OpenConnections(),
      }),
    );
    const port = await listen(server, 0, '127.0.0.1');
    try {
      await using client = await connectClient(`ws://127.0.0.1:${String(port)}/mqtt`, { keepalive: 0 });
      let closed = false;
      client.on('close', () => (closed = true));
      await sleep(1500);
      expect(closed).toBe(false);
      await client.subscribeAsync('proxy/idle', { qos: 1 });
      const received = nextMessage(client, 'proxy/idle');
      await client.publishAsync('proxy/idle', 'still here', { qos: 1 });
      expect(await received).toBe('still here');
    } finally {
      server.closeAllConnections();
      await close(server);
    }
  });
});

describe('WebSocket proxy, what the broker is told about the client', () => {
  /** A plain HTTP server as the upstream: records each upgrade request's headers and answers 101. */
  async function startUpgradeCapture() {
    const requests: IncomingHttpHeaders[] = [];
    const server = createServer();
    server.on('upgrade', (request: IncomingMessage, socket: Duplex) => {
      requests.push(request.headers);
      socket.on('error', () => undefined);
      socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    });
    const port = await listen(server, 0, '127.0.0.1');
    return { requests, address: `127.0.0.1:${String(port)}`, [Symbol.asyncDispose]: () => close(server) };
  }

  const spoofed = ['X-Forwarded-For: 203.0.113.9', 'X-Forwarded-Proto: https', 'X-Real-IP: 203.0.113.9', 'X-Client-Cert-CN: admin', 'Forwarded: for=203.0.113.9'];

  it('replaces whatever X-Forwarded-For the client sent and strips its X-Client-Cert-CN (plain WebSocket)', async () => {
    await using upstream = await startUpgradeCapture();
    await using proxy = await startTestProxy({ tcpUpstreams: '127.0.0.1:1', wsUpstreams: upstream.address });
    const response = await rawRequest(proxy.wsPort, websocketUpgradeRequest('/mqtt', 'gw.local', 'mqtt', spoofed));
    expect(response.statusLine).toBe('HTTP/1.1 101 Switching Protocols');
    await response.ended;
    expect(upstream.requests).toHaveLength(1);
    const headers = upstream.requests[0] ?? {};
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('ws');
    expect(headers['x-real-ip']).toBe('127.0.0.1');
    expect(headers['x-client-cert-cn']).toBeUndefined();
    expect(headers.forwarded).toBeUndefined();
    expect(headers['sec-websocket-protocol']).toBe('mqtt');
  });

  it('over TLS: X-Forwarded-Proto wss, and the CN of a verified client certificate only', async () => {
    await using upstream = await startUpgradeCapture();
    const ca = await createTestCa();
    const [sensor, stranger] = await Promise.all([ca.issue('sensor-7'), (await createTestCa('some other CA')).issue('admin')]);
    const dir = await mkdtemp(join(tmpdir(), 'proxy-client-ca-'));
    try {
      const caFile = join(dir, 'clients-ca.pem');
      await writeFile(caFile, ca.cert);
      await using proxy = await startTestProxy({ tcpUpstreams: '127.0.0.1:1', wsUpstreams: upstream.address, env: { PROXY_TLS_CLIENT_CA_FILE: caFile } });
      const upgrade = async (credentials: { cert?: string; key?: string }) => {
        const response = await rawRequest(proxy.wssPort ?? 0, websocketUpgradeRequest('/mqtt', 'gw.local', 'mqtt', spoofed), { rejectUnauthorized: false, ...credentials });
        expect(response.statusLine).toBe('HTTP/1.1 101 Switching Protocols');
        await response.ended;
        return upstream.requests.at(-1) ?? {};
      };

      const verified = await upgrade({ cert: sensor.cert, key: sensor.key });
      expect(verified['x-client-cert-cn']).toBe('sensor-7');
      expect(verified['x-forwarded-for']).toBe('127.0.0.1');
      expect(verified['x-forwarded-proto']).toBe('wss');

      // No certificate, or one the client CA did not sign: the client's own header is dropped, none added.
      expect((await upgrade({}))['x-client-cert-cn']).toBeUndefined();
      expect((await upgrade({ cert: stranger.cert, key: stranger.key }))['x-client-cert-cn']).toBeUndefined();
      expect(upstream.requests).toHaveLength(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
