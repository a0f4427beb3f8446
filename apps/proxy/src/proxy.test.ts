import { metricValue, waitFor } from '@gateway/service-kit/testing';
import { describe, expect, it } from 'vitest';
import { startMosquitto } from './testing/mosquitto.js';
import { connectClient, connectionClosed, nextMessage } from './testing/mqtt-clients.js';
import { rawRequest, websocketUpgradeRequest } from './testing/raw-http.js';
import { startTestProxy } from './testing/test-proxy.js';
import { startTestUpstream } from './testing/test-upstream.js';

describe('startProxy', () => {
  it('reports health, readiness and moving metrics on the admin port, and closes client connections on close()', async () => {
    await using broker = await startTestUpstream();
    const proxy = await startTestProxy({ tcpUpstreams: broker.tcpAddress, wsUpstreams: broker.wsAddress });
    try {
      expect(await (await fetch(`${proxy.adminUrl}/healthz`)).json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${proxy.adminUrl}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { tcp: true, websocket: true, tls: true, wss: true } });

      const tcpClient = await connectClient(proxy.tcpUrl);
      const wsClient = await connectClient(proxy.wsUrl());
      await wsClient.subscribeAsync('proxy/metrics', { qos: 1 });
      const received = nextMessage(wsClient, 'proxy/metrics');
      await tcpClient.publishAsync('proxy/metrics', 'z'.repeat(1000), { qos: 1 });
      await received;

      const metrics = await proxy.metrics();
      for (const listener of ['tcp', 'websocket']) {
        expect(metricValue(metrics, 'gateway_proxy_connections_active', `listener="${listener}"`)).toBe(1);
        expect(metricValue(metrics, 'gateway_proxy_connections_total', `listener="${listener}"`)).toBe(1);
      }
      expect(metricValue(metrics, 'gateway_proxy_bytes_client_to_upstream_total', 'listener="tcp"')).toBeGreaterThan(1000);
      expect(metricValue(metrics, 'gateway_proxy_bytes_upstream_to_client_total', 'listener="websocket"')).toBeGreaterThan(1000);

      const closed = Promise.all([connectionClosed(tcpClient), connectionClosed(wsClient)]);
      await proxy.close();
      await closed;
      await expect(fetch(`${proxy.adminUrl}/healthz`)).rejects.toThrow();
      await Promise.all([tcpClient.endAsync(true), wsClient.endAsync(true)]);
    } finally {
      await proxy.close();
    }
  });

  it('works in front of Debian’s mosquitto too', async () => {
    await using mosquitto = await startMosquitto();
    await using proxy = await startTestProxy({ tcpUpstreams: `127.0.0.1:${String(mosquitto.tcpPort)}`, wsUpstreams: `127.0.0.1:${String(mosquitto.wsPort)}` });
    await using viaWs = await connectClient(proxy.wsUrl());
    await using viaTcp = await connectClient(proxy.tcpUrl);
    await viaWs.subscribeAsync('proxy/mosquitto', { qos: 1 });
    const received = nextMessage(viaWs, 'proxy/mosquitto');
    await viaTcp.publishAsync('proxy/mosquitto', 'hello mosquitto', { qos: 1 });
    expect(await received).toBe('hello mosquitto');

    const response = await rawRequest(proxy.wsPort, websocketUpgradeRequest('/mqtt', 'localhost', 'mqtt'));
    expect(response.statusLine).toMatch(/^HTTP\/1\.1 101 /);
    expect(response.headers['sec-websocket-protocol']).toBe('mqtt');
    response.socket.destroy();
    await waitFor(async () => metricValue(await proxy.metrics(), 'gateway_proxy_connections_active', 'listener="websocket"') === 1, { what: 'the raw upgrade to close' });
  });
});
