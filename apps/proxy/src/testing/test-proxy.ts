// Test fixture: the proxy started on 127.0.0.1 with OS-chosen ports in front of the given upstreams, its
// own temporary data directory (for the self-signed certificate), its log lines captured, and the URLs
// tests connect to; disposable with `await using`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureLogs, type LogCapture } from '@gateway/service-kit/testing';
import { loadProxyConfig, type ProxyConfig } from '../config.js';
import { startProxy, type StartedProxy } from '../proxy.js';

export interface TestProxy extends StartedProxy {
  config: ProxyConfig;
  logs: LogCapture;
  tcpUrl: string;
  wsUrl(path?: string): string;
  httpUrl: string;
  /** mqtts:// and wss:// URLs (the TLS listeners must be on, as they are by default). */
  mqttsUrl: string;
  wssUrl(path?: string): string;
  httpsUrl: string;
  adminUrl: string;
  metrics(): Promise<string>;
}

export interface TestProxySettings {
  tcpUpstreams: string;
  wsUpstreams: string;
  /** Further PROXY_* settings, as environment strings. */
  env?: Record<string, string>;
  logLevel?: 'debug' | 'info' | 'warn';
}

export async function startTestProxy(settings: TestProxySettings): Promise<TestProxy> {
  const dataDir = await mkdtemp(join(tmpdir(), 'proxy-data-'));
  const removeDataDir = () => rm(dataDir, { recursive: true, force: true });
  let config: ProxyConfig;
  let proxy: StartedProxy;
  const logs = captureLogs('proxy', settings.logLevel);
  try {
    config = loadProxyConfig({
      PROXY_HOST: '127.0.0.1',
      PROXY_TCP_PORT: '0',
      PROXY_WS_PORT: '0',
      PROXY_TLS_PORT: '0',
      PROXY_WSS_PORT: '0',
      PROXY_ADMIN_PORT: '0',
      PROXY_DATA_DIR: dataDir,
      PROXY_TCP_UPSTREAMS: settings.tcpUpstreams,
      PROXY_WS_UPSTREAMS: settings.wsUpstreams,
      PROXY_CONNECT_TIMEOUT: '2s',
      PROXY_CONNECT_RETRIES: '1',
      PROXY_RETRY_DELAY: '50ms',
      ...settings.env,
    });
    proxy = await startProxy(config, { logger: logs.logger });
  } catch (error) {
    await removeDataDir();
    throw error;
  }
  const adminUrl = `http://127.0.0.1:${String(proxy.adminPort)}`;
  const close = async () => {
    await proxy.close();
    await removeDataDir();
  };
  return {
    ...proxy,
    config,
    logs,
    tcpUrl: `mqtt://127.0.0.1:${String(proxy.tcpPort)}`,
    wsUrl: (path = '/mqtt') => `ws://127.0.0.1:${String(proxy.wsPort)}${path}`,
    httpUrl: `http://127.0.0.1:${String(proxy.wsPort)}`,
    mqttsUrl: `mqtts://127.0.0.1:${String(proxy.tlsPort)}`,
    wssUrl: (path = '/mqtt') => `wss://127.0.0.1:${String(proxy.wssPort)}${path}`,
    httpsUrl: `https://127.0.0.1:${String(proxy.wssPort)}`,
    adminUrl,
    metrics: async () => (await fetch(`${adminUrl}/metrics`)).text(),
    close,
    [Symbol.asyncDispose]: close,
  };
}
