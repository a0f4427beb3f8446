import { describe, expect, it } from 'vitest';
import { defaultStaticDir, loadProxyConfig } from './config.js';

describe('loadProxyConfig', () => {
  it('has the documented defaults', () => {
    const config = loadProxyConfig({});
    expect(config).toEqual({
      host: '0.0.0.0',
      tcpPort: 18831,
      wsPort: 8020,
      tcpUpstreams: [{ host: '127.0.0.1', port: 1883 }],
      wsUpstreams: [{ host: '127.0.0.1', port: 8001 }],
      connectTimeoutMs: 5000,
      connectRetries: 2,
      retryDelayMs: 200,
      idleTimeoutMs: 0,
      staticDir: defaultStaticDir,
      adminHost: '127.0.0.1',
      adminPort: 9102,
      logLevel: 'info',
    });
    expect(defaultStaticDir.replaceAll('\\', '/')).toMatch(/apps\/dashboard\/dist$/);
  });

  it('parses upstream lists, durations and a relative static dir', () => {
    const config = loadProxyConfig({
      PROXY_TCP_UPSTREAMS: 'broker-a:1883, broker-b:1884',
      PROXY_WS_UPSTREAMS: '[::1]:8001',
      PROXY_CONNECT_TIMEOUT: '1.5s',
      PROXY_IDLE_TIMEOUT: '10m',
      PROXY_STATIC_DIR: 'site',
    });
    expect(config.tcpUpstreams).toEqual([
      { host: 'broker-a', port: 1883 },
      { host: 'broker-b', port: 1884 },
    ]);
    expect(config.wsUpstreams).toEqual([{ host: '::1', port: 8001 }]);
    expect(config.connectTimeoutMs).toBe(1500);
    expect(config.idleTimeoutMs).toBe(600_000);
    expect(config.staticDir).toBe(`${process.cwd()}/site`);
  });

  it('names each bad variable', () => {
    expect(() => loadProxyConfig({ PROXY_TCP_UPSTREAMS: 'broker', PROXY_WS_PORT: '99999', PROXY_CONNECT_TIMEOUT: '0' })).toThrow(
      /PROXY_TCP_UPSTREAMS[\s\S]*PROXY_WS_PORT|PROXY_WS_PORT[\s\S]*PROXY_TCP_UPSTREAMS/,
    );
    expect(() => loadProxyConfig({ PROXY_CONNECT_TIMEOUT: '0' })).toThrow(/PROXY_CONNECT_TIMEOUT/);
    expect(() => loadProxyConfig({ PROXY_CONNECT_RETRIES: '-1' })).toThrow(/PROXY_CONNECT_RETRIES/);
  });
});
