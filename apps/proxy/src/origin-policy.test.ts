import { metricValue } from '@gateway/service-kit/testing';
import { describe, expect, it } from 'vitest';
import { createOriginPolicy } from './origin-policy.js';
import { rawRequest, websocketUpgradeRequest } from './testing/raw-http.js';
import { startTestProxy } from './testing/test-proxy.js';
import { startTestUpstream } from './testing/test-upstream.js';

describe('createOriginPolicy', () => {
  it('without a list: allows no Origin and same-origin requests, refuses other sites', () => {
    const policy = createOriginPolicy([]);
    expect(policy({ host: 'gw.local:8020' })).toEqual({ allowed: true });
    expect(policy({ host: 'gw.local:8020', origin: 'http://gw.local:8020' })).toEqual({ allowed: true });
    expect(policy({ host: 'GW.local:8020', origin: 'http://gw.LOCAL:8020' })).toEqual({ allowed: true });
    // Default ports: browsers leave them out of Origin, and sometimes of Host.
    expect(policy({ host: 'gw.local:443', origin: 'https://gw.local' })).toEqual({ allowed: true });
    expect(policy({ host: 'gw.local', origin: 'http://gw.local' })).toEqual({ allowed: true });
    expect(policy({ host: '[::1]:8443', origin: 'https://[::1]:8443' })).toEqual({ allowed: true });

    expect(policy({ host: 'gw.local:8020', origin: 'https://evil.example' })).toEqual({
      allowed: false,
      reason: 'origin https://evil.example is not this site (Host "gw.local:8020") and PROXY_WS_ALLOWED_ORIGINS is empty',
    });
    expect(policy({ host: 'gw.local:8020', origin: 'http://gw.local:8021' }).allowed).toBe(false);
    expect(policy({ origin: 'http://gw.local:8020' }).allowed).toBe(false);
    expect(policy({ host: 'gw.local:8020', origin: 'null' })).toEqual({ allowed: false, reason: 'origin "null" is not a valid origin' });
    expect(policy({ host: 'gw.local:8020@evil.example', origin: 'http://evil.example' }).allowed).toBe(false);
  });

  it('with a list: allows exactly those origins (and no Origin), not even the same origin', () => {
    const policy = createOriginPolicy(['https://gw.local:8443', 'http://gw.local:8020']);
    expect(policy({ host: 'anything' })).toEqual({ allowed: true });
    expect(policy({ host: 'gw.local:8443', origin: 'https://gw.local:8443' })).toEqual({ allowed: true });
    expect(policy({ host: 'gw.local:8443', origin: 'http://gw.local:8020' })).toEqual({ allowed: true });
    // The proxy reached under a name not on the list (say, through DNS rebinding) is refused.
    expect(policy({ host: 'rebound.example:8443', origin: 'https://rebound.example:8443' })).toEqual({
      allowed: false,
      reason: 'origin https://rebound.example:8443 is not in PROXY_WS_ALLOWED_ORIGINS',
    });
    expect(policy({ host: 'gw.local:8443', origin: 'http://gw.local:8443' }).allowed).toBe(false);
  });
});

describe('WebSocket upgrades and their Origin', () => {
  it('refuses another site’s page with a 403 and one line, logs and counts it, and lets same-origin and non-browser clients through', async () => {
    await using broker = await startTestUpstream();
    await using proxy = await startTestProxy({ tcpUpstreams: broker.tcpAddress, wsUpstreams: broker.wsAddress });
    const host = `127.0.0.1:${String(proxy.wsPort)}`;

    const refused = await rawRequest(proxy.wsPort, websocketUpgradeRequest('/mqtt', host, 'mqtt', ['Origin: https://evil.example']));
    expect(refused.statusLine).toBe('HTTP/1.1 403 Forbidden');
    expect(await refused.body).toBe(`WebSocket upgrade refused: origin https://evil.example is not this site (Host "${host}") and PROXY_WS_ALLOWED_ORIGINS is empty\n`);
    expect(proxy.logs.matching('WebSocket upgrade refused')).toEqual([
      expect.objectContaining({ level: 40, listener: 'websocket', origin: 'https://evil.example', url: '/mqtt', remote: expect.stringMatching(/^127\.0\.0\.1:\d+$/) as unknown }),
    ]);
    const metrics = await proxy.metrics();
    expect(metricValue(metrics, 'gateway_proxy_rejected_upgrades_total', 'listener="websocket",reason="origin"')).toBe(1);
    expect(metricValue(metrics, 'gateway_proxy_connections_total', 'listener="websocket"')).toBe(0);

    const sameOrigin = await rawRequest(proxy.wsPort, websocketUpgradeRequest('/mqtt', host, 'mqtt', [`Origin: http://${host}`]));
    expect(sameOrigin.statusLine).toBe('HTTP/1.1 101 Switching Protocols');
    sameOrigin.socket.destroy();
    const noOrigin = await rawRequest(proxy.wsPort, websocketUpgradeRequest('/mqtt', host));
    expect(noOrigin.statusLine).toBe('HTTP/1.1 101 Switching Protocols');
    noOrigin.socket.destroy();
  });

  it('applies PROXY_WS_ALLOWED_ORIGINS on the plain and the TLS WebSocket ports', async () => {
    await using broker = await startTestUpstream();
    await using proxy = await startTestProxy({
      tcpUpstreams: broker.tcpAddress,
      wsUpstreams: broker.wsAddress,
      env: { PROXY_WS_ALLOWED_ORIGINS: 'https://gw.local:8443' },
    });
    const tls = { rejectUnauthorized: false };
    const allowed = await rawRequest(proxy.wssPort ?? 0, websocketUpgradeRequest('/mqtt', 'gw.local:8443', 'mqtt', ['Origin: https://gw.local:8443']), tls);
    expect(allowed.statusLine).toBe('HTTP/1.1 101 Switching Protocols');
    allowed.socket.destroy();

    const host = `127.0.0.1:${String(proxy.wsPort)}`;
    const sameOrigin = await rawRequest(proxy.wsPort, websocketUpgradeRequest('/mqtt', host, 'mqtt', [`Origin: http://${host}`]));
    expect(sameOrigin.statusLine).toBe('HTTP/1.1 403 Forbidden');
    const overTls = await rawRequest(proxy.wssPort ?? 0, websocketUpgradeRequest('/mqtt', 'gw.local:8443', 'mqtt', ['Origin: https://evil.example']), tls);
    expect(overTls.statusLine).toBe('HTTP/1.1 403 Forbidden');
    await Promise.all([sameOrigin.ended, overTls.ended]);

    const metrics = await proxy.metrics();
    expect(metricValue(metrics, 'gateway_proxy_rejected_upgrades_total', 'listener="websocket",reason="origin"')).toBe(1);
    expect(metricValue(metrics, 'gateway_proxy_rejected_upgrades_total', 'listener="wss",reason="origin"')).toBe(1);
  });
});
