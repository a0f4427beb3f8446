// Test fixture: the proxy started on 127.0.0.1 with OS-chosen ports in front of the given upstreams, its
// log lines captured, and the URLs tests connect to; disposable with `await using`.
import { loadProxyConfig, type ProxyConfig } from '../config.js';
import { startProxy, type StartedProxy } from '../proxy.js';
import { captureLogs, type LogCapture } from '@gateway/service-kit/testing';

export interface TestProxy extends StartedProxy {
  config: ProxyConfig;
  logs: LogCapture;
  tcpUrl: string;
  wsUrl(path?: string): string;
  httpUrl: string;
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
  const config = loadProxyConfig({
    PROXY_HOST: '127.0.0.1',
    PROXY_TCP_PORT: '0',
    PROXY_WS_PORT: '0',
    PROXY_ADMIN_PORT: '0',
    PROXY_TCP_UPSTREAMS: settings.tcpUpstreams,
    PROXY_WS_UPSTREAMS: settings.wsUpstreams,
    PROXY_CONNECT_TIMEOUT: '2s',
    PROXY_CONNECT_RETRIES: '1',
    PROXY_RETRY_DELAY: '50ms',
    ...settings.env,
  });
  const logs = captureLogs('proxy', settings.logLevel);
  const proxy = await startProxy(config, { logger: logs.logger });
  const adminUrl = `http://127.0.0.1:${String(proxy.adminPort)}`;
  return {
    ...proxy,
    config,
    logs,
    tcpUrl: `mqtt://127.0.0.1:${String(proxy.tcpPort)}`,
    wsUrl: (path = '/mqtt') => `ws://127.0.0.1:${String(proxy.wsPort)}${path}`,
    httpUrl: `http://127.0.0.1:${String(proxy.wsPort)}`,
    adminUrl,
    metrics: async () => (await fetch(`${adminUrl}/metrics`)).text(),
  };
}
