import { describe, expect, it } from 'vitest';
import { defaultDataDir, defaultStaticDir, loadProxyConfig } from './config.js';

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
      workers: 1,
      staticDir: defaultStaticDir,
      tls: {
        enabled: true,
        port: 8883,
        wssPort: 8443,
        certFile: undefined,
        keyFile: undefined,
        clientCaFile: undefined,
        requireClientCert: false,
        reloadIntervalMs: 10_000,
      },
      dataDir: defaultDataDir,
      upstreamProxyProtocol: false,
      wsAllowedOrigins: [],
      adminHost: '127.0.0.1',
      adminPort: 9102,
      logLevel: 'info',
    });
    expect(defaultStaticDir.replaceAll('\\', '/')).toMatch(/apps\/dashboard\/dist$/);
    expect(defaultDataDir.replaceAll('\\', '/')).toMatch(/\/\.data\/proxy$/);
    expect(defaultDataDir).not.toContain('apps');
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

  it('parses the TLS, PROXY protocol and Origin settings', () => {
    const config = loadProxyConfig({
      PROXY_TLS: 'off',
      PROXY_TLS_PORT: '9883',
      PROXY_WSS_PORT: '9443',
      PROXY_TLS_CERT_FILE: 'certs/gw.crt',
      PROXY_TLS_KEY_FILE: '/etc/gw/gw.key',
      PROXY_TLS_CLIENT_CA_FILE: '/etc/gw/clients-ca.pem',
      PROXY_TLS_REQUIRE_CLIENT_CERT: 'true',
      PROXY_TLS_RELOAD_INTERVAL: '1m',
      PROXY_DATA_DIR: '/data',
      PROXY_UPSTREAM_PROXY_PROTOCOL: 'yes',
      PROXY_WS_ALLOWED_ORIGINS: 'https://GW.local:8443, http://gw.local:8020/,https://gw.local:443',
    });
    expect(config.tls).toEqual({
      enabled: false,
      port: 9883,
      wssPort: 9443,
      certFile: `${process.cwd()}/certs/gw.crt`,
      keyFile: '/etc/gw/gw.key',
      clientCaFile: '/etc/gw/clients-ca.pem',
      requireClientCert: true,
      reloadIntervalMs: 60_000,
    });
    expect(config.dataDir).toBe('/data');
    expect(config.upstreamProxyProtocol).toBe(true);
    // As browsers send them: lower-case host, no trailing slash, no default port.
    expect(config.wsAllowedOrigins).toEqual(['https://gw.local:8443', 'http://gw.local:8020', 'https://gw.local']);
  });

  it('names the setting behind each TLS, PROXY protocol and Origin error', () => {
    expect(() => loadProxyConfig({ PROXY_TLS_CERT_FILE: '/etc/gw/gw.crt' })).toThrow(/PROXY_TLS_KEY_FILE: required when PROXY_TLS_CERT_FILE is set/);
    expect(() => loadProxyConfig({ PROXY_TLS_KEY_FILE: '/etc/gw/gw.key' })).toThrow(/PROXY_TLS_CERT_FILE: required when PROXY_TLS_KEY_FILE is set/);
    expect(() => loadProxyConfig({ PROXY_TLS_REQUIRE_CLIENT_CERT: 'true' })).toThrow(/PROXY_TLS_CLIENT_CA_FILE: required when PROXY_TLS_REQUIRE_CLIENT_CERT/);
    expect(() => loadProxyConfig({ PROXY_TLS: 'maybe' })).toThrow(/PROXY_TLS: .*\(got "maybe"\)/);
    expect(() => loadProxyConfig({ PROXY_TLS_PORT: '70000' })).toThrow(/PROXY_TLS_PORT/);
    expect(() => loadProxyConfig({ PROXY_WSS_PORT: '8020' })).toThrow(/PROXY_WSS_PORT: 8020 is already PROXY_WS_PORT/);
    expect(() => loadProxyConfig({ PROXY_UPSTREAM_PROXY_PROTOCOL: '2' })).toThrow(/PROXY_UPSTREAM_PROXY_PROTOCOL/);
    expect(() => loadProxyConfig({ PROXY_TLS_RELOAD_INTERVAL: '10ms' })).toThrow(/PROXY_TLS_RELOAD_INTERVAL/);
    for (const workers of ['0', '65', 'two', '1.5']) expect(() => loadProxyConfig({ PROXY_WORKERS: workers })).toThrow(/PROXY_WORKERS/);
    expect(loadProxyConfig({ PROXY_WORKERS: '4' }).workers).toBe(4);
    for (const bad of ['gw.local:8443', 'https://gw.local/dashboard', 'ftp://gw.local', 'null']) {
      expect(() => loadProxyConfig({ PROXY_WS_ALLOWED_ORIGINS: `https://ok.local,${bad}` })).toThrow(/PROXY_WS_ALLOWED_ORIGINS: expected origins such as/);
    }
    // With the TLS listeners off their ports may be anything.
    expect(loadProxyConfig({ PROXY_TLS: 'false', PROXY_WSS_PORT: '8020' }).tls.wssPort).toBe(8020);
  });

  it('names each bad variable', () => {
    expect(() => loadProxyConfig({ PROXY_TCP_UPSTREAMS: 'broker', PROXY_WS_PORT: '99999', PROXY_CONNECT_TIMEOUT: '0' })).toThrow(
      /PROXY_TCP_UPSTREAMS[\s\S]*PROXY_WS_PORT|PROXY_WS_PORT[\s\S]*PROXY_TCP_UPSTREAMS/,
    );
    expect(() => loadProxyConfig({ PROXY_CONNECT_TIMEOUT: '0' })).toThrow(/PROXY_CONNECT_TIMEOUT/);
    expect(() => loadProxyConfig({ PROXY_CONNECT_RETRIES: '-1' })).toThrow(/PROXY_CONNECT_RETRIES/);
  });
});
