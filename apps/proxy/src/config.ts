// The proxy's settings, read from PROXY_* environment variables (and the optional JSON file named by
// PROXY_CONFIG_FILE) in this one place, validated at start-up with errors that name the bad variable.
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fields, loadConfig, type HostPort } from '@gateway/service-kit';
import { z } from 'zod';

/** `<repo>/apps/dashboard/dist`: this file lives in apps/proxy/src (or apps/proxy/dist once built). */
export const defaultStaticDir = fileURLToPath(new URL('../../dashboard/dist', import.meta.url));

const shape = {
  PROXY_HOST: fields.host('0.0.0.0'),
  PROXY_TCP_PORT: fields.port(18831),
  PROXY_WS_PORT: fields.port(8020),
  PROXY_TCP_UPSTREAMS: fields.hostPortList('127.0.0.1:1883'),
  PROXY_WS_UPSTREAMS: fields.hostPortList('127.0.0.1:8001'),
  PROXY_CONNECT_TIMEOUT: fields.duration(5000).pipe(z.number().min(1, 'expected a duration above 0')),
  PROXY_CONNECT_RETRIES: fields.nonNegativeInt(2),
  PROXY_RETRY_DELAY: fields.duration(200),
  PROXY_IDLE_TIMEOUT: fields.duration(0),
  PROXY_STATIC_DIR: z
    .string()
    .min(1)
    .default(defaultStaticDir)
    .transform((dir) => (isAbsolute(dir) ? dir : resolve(dir))),
  PROXY_ADMIN_HOST: fields.host('127.0.0.1'),
  PROXY_ADMIN_PORT: fields.port(9102),
  LOG_LEVEL: fields.logLevel(),
};

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface ProxyConfig {
  /** Address the client-facing listeners (raw MQTT and WebSocket/dashboard) bind to. */
  host: string;
  tcpPort: number;
  wsPort: number;
  /** Brokers' raw MQTT listeners, tried round-robin. */
  tcpUpstreams: readonly HostPort[];
  /** Brokers' MQTT-over-WebSocket listeners, tried round-robin. */
  wsUpstreams: readonly HostPort[];
  connectTimeoutMs: number;
  /** Further attempts (on the next upstream of the list) after a failed connect. */
  connectRetries: number;
  retryDelayMs: number;
  /** Closes a proxied connection after this long without traffic; 0 = never (MQTT keepalive decides). */
  idleTimeoutMs: number;
  /** The dashboard's built files, served on the WebSocket port. */
  staticDir: string;
  adminHost: string;
  adminPort: number;
  logLevel: LogLevel;
}

/** Reads and validates the proxy's settings; throws a ConfigError naming each bad variable. */
export function loadProxyConfig(env: Record<string, string | undefined> = process.env): ProxyConfig {
  const raw = loadConfig(shape, { env, fileVariable: 'PROXY_CONFIG_FILE' });
  return {
    host: raw.PROXY_HOST,
    tcpPort: raw.PROXY_TCP_PORT,
    wsPort: raw.PROXY_WS_PORT,
    tcpUpstreams: raw.PROXY_TCP_UPSTREAMS,
    wsUpstreams: raw.PROXY_WS_UPSTREAMS,
    connectTimeoutMs: raw.PROXY_CONNECT_TIMEOUT,
    connectRetries: raw.PROXY_CONNECT_RETRIES,
    retryDelayMs: raw.PROXY_RETRY_DELAY,
    idleTimeoutMs: raw.PROXY_IDLE_TIMEOUT,
    staticDir: raw.PROXY_STATIC_DIR,
    adminHost: raw.PROXY_ADMIN_HOST,
    adminPort: raw.PROXY_ADMIN_PORT,
    logLevel: raw.LOG_LEVEL,
  };
}

/** "host:port", or "[v6]:port" for IPv6 addresses, as written in the upstream lists. */
export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${String(port)}` : `${host}:${String(port)}`;
}
