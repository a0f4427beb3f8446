import { once } from 'node:events';
import { connect } from 'node:net';
import { freePort, metricValue, waitFor } from '@gateway/service-kit/testing';
import { describe, expect, it } from 'vitest';
import { connectClient } from './testing/mqtt-clients.js';
import { rawRequest, websocketUpgradeRequest } from './testing/raw-http.js';
import { startTestProxy } from './testing/test-proxy.js';
import { startTestUpstream } from './testing/test-upstream.js';

describe('when the broker is down', () => {
  it('closes clients cleanly, logs one line per client, and works again once the broker is back', async () => {
    const tcpPort = await freePort();
    const wsPort = await freePort();
    await using proxy = await startTestProxy({ tcpUpstreams: `127.0.0.1:${String(tcpPort)}`, wsUpstreams: `127.0.0.1:${String(wsPort)}` });

    // TCP: the client sees its socket end (FIN, not a reset, not a hang), even with its CONNECT already sent.
    const socket = connect(proxy.tcpPort, '127.0.0.1');
    socket.write(Buffer.from([0x10, 0x0f, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x00, 0x00, 0x03, 0x72, 0x61, 0x77]));
    let socketError: Error | undefined;
    socket.on('error', (error) => (socketError = error));
    socket.resume();
    await once(socket, 'end');
    await once(socket, 'close');
    expect(socketError).toBeUndefined();

    // WebSocket: the upgrade is answered 502 and the connection closed.
    const response = await rawRequest(proxy.wsPort, websocketUpgradeRequest('/mqtt', 'localhost'));
    expect(response.statusLine).toBe('HTTP/1.1 502 Bad Gateway');
    await response.ended;

    const lines = proxy.logs.matching('upstream unavailable');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ listener: 'tcp', upstreams: [`127.0.0.1:${String(tcpPort)}`], msg: `upstream unavailable: connect ECONNREFUSED 127.0.0.1:${String(tcpPort)}` });
    expect(lines[0]?.remote).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(lines[1]).toMatchObject({ listener: 'websocket', msg: `upstream unavailable: connect ECONNREFUSED 127.0.0.1:${String(wsPort)}` });
    const metrics = await proxy.metrics();
    // One try and one retry per client connection (PROXY_CONNECT_RETRIES=1 in the test proxy).
    expect(metricValue(metrics, 'gateway_proxy_upstream_connect_failures_total', `upstream="127.0.0.1:${String(tcpPort)}"`)).toBe(2);
    expect(metricValue(metrics, 'gateway_proxy_upstream_unavailable_total', 'listener="websocket"')).toBe(1);

    // The broker comes back on the same ports: no restart or reset of the proxy needed.
    await using _broker = await startTestUpstream({ tcpPort, wsPort });
    await using viaTcp = await connectClient(proxy.tcpUrl);
    await using viaWs = await connectClient(proxy.wsUrl());
    expect(viaTcp.connected && viaWs.connected).toBe(true);
    await waitFor(async () => metricValue(await proxy.metrics(), 'gateway_proxy_connections_active', 'listener="websocket"') === 1, { what: 'one open websocket connection' });
    expect(proxy.logs.matching('upstream unavailable')).toHaveLength(2);
  });
});
