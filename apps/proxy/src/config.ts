// The proxy's settings, read from PROXY_* environment variables (and the optional JSON file named by
// PROXY_CONFIG_FILE) in this one place, validated at start-up with errors that name the bad variable.
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, fields, loadConfig, type HostPort } from '@gateway/service-kit';
import { z } from 'zod';

/** A file path: relative ones are taken from the working directory. */
const pathField = () =>
  z
    .string()
    .min(1)
    .transform((path) => (isAbsolute(path) ? path : resolve(path)));

/** A comma list of browser origins ("scheme://host[:port]"), normalised as browsers send them. */
const originList = () =>
  fields.list([]).transform((items, ctx) => {
    const origins: string[] = [];
    for (const item of items) {
      const origin = parseOrigin(item);
      if (origin === undefined) {
        ctx.addIssue({ code: 'custom', message: `expected origins such as https://gw.local:8443, got ${JSON.stringify(item)}` });
        return z.NEVER;
      }
      origins.push(origin);
    }
    return origins;
  });

/** `<repo>/apps/dashboard/dist`: this file lives in apps/proxy/src (or apps/proxy/dist once built). */
export const defaultStaticDir = fileURLToPath(new URL('../../dashboard/dist', import.meta.url));

/** `<repo>/.data/proxy`, beside the broker's `<repo>/.data/broker` (git-ignored). */
export const defaultDataDir = fileURLToPath(new URL('../../../.data/proxy', import.meta.url));

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
  PROXY_WORKERS: fields.positiveInt(1).pipe(z.number().max(64, 'expected at most 64 workers')),
  PROXY_STATIC_DIR: z
    .string()
    .min(1)
    .default(defaultStaticDir)
    .transform((dir) => (isAbsolute(dir) ? dir : resolve(dir))),
  PROXY_TLS: fields.flag(true),
  PROXY_TLS_PORT: fields.port(8883),
  PROXY_WSS_PORT: fields.port(8443),
  PROXY_TLS_CERT_FILE: pathField().optional(),
  PROXY_TLS_KEY_FILE: pathField().optional(),
  PROXY_TLS_CLIENT_CA_FILE: pathField().optional(),
  PROXY_TLS_REQUIRE_CLIENT_CERT: fields.flag(false),
  PROXY_TLS_RELOAD_INTERVAL: fields.duration(10_000).pipe(z.number().min(100, 'expected a duration of at least 100ms')),
  PROXY_DATA_DIR: z
    .string()
    .min(1)
    .default(defaultDataDir)
    .transform((dir) => (isAbsolute(dir) ? dir : resolve(dir))),
  PROXY_UPSTREAM_PROXY_PROTOCOL: fields.flag(false),
  PROXY_WS_ALLOWED_ORIGINS: originList(),
  PROXY_ADMIN_HOST: fields.host('127.0.0.1'),
  PROXY_ADMIN_PORT: fields.port(9102),
  LOG_LEVEL: fields.logLevel(),
};

export interface TlsConfig {
  /** PROXY_TLS (default true): opens the TLS listeners (MQTT over TLS and WebSocket over TLS). */
  enabled: boolean;
  /** PROXY_TLS_PORT (default 8883): MQTT over TLS, proxied to the raw MQTT upstreams (PROXY_TCP_UPSTREAMS). */
  port: number;
  /** PROXY_WSS_PORT (default 8443): WebSocket over TLS, serving what PROXY_WS_PORT serves (dashboard files and MQTT over WebSocket). */
  wssPort: number;
  /**
   * PROXY_TLS_CERT_FILE and PROXY_TLS_KEY_FILE: the PEM certificate (chain) and its unencrypted key, both or
   * neither. Neither: a self-signed pair is generated in dataDir on first start and reused later. Either way
   * the files are watched and a replaced pair is served to new connections without a restart.
   */
  certFile: string | undefined;
  keyFile: string | undefined;
  /**
   * PROXY_TLS_CLIENT_CA_FILE (default none): PEM CA certificates. When set, TLS clients are asked for a
   * certificate; a verified one's subject CN goes to the broker as the client's identity (PROXY v2 SSL TLV,
   * X-Client-Cert-CN). Browsers may then offer the user a certificate to pick.
   */
  clientCaFile: string | undefined;
  /** PROXY_TLS_REQUIRE_CLIENT_CERT (default false): closes TLS clients without a certificate verified against clientCaFile. */
  requireClientCert: boolean;
  /** PROXY_TLS_RELOAD_INTERVAL (default 10s): how often the certificate files are stat'ed, besides file-system events. */
  reloadIntervalMs: number;
}

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
  /**
   * PROXY_WORKERS (default 1): processes that share the listeners, each taking connections in turn (node:cluster,
   * like NGINX's worker_processes). Above 1, a primary process runs the admin server and restarts a worker that dies.
   */
  workers: number;
  /** The dashboard's built files, served on the WebSocket port (and the WebSocket-over-TLS port). */
  staticDir: string;
  tls: TlsConfig;
  /** PROXY_DATA_DIR (default `<repo>/.data/proxy`): the proxy's own files (the generated self-signed certificate); `/data` in the container. */
  dataDir: string;
  /**
   * PROXY_UPSTREAM_PROXY_PROTOCOL (default false): writes a PROXY protocol v2 header (client address, TLS facts) first on every connection to a raw MQTT
   * upstream (PROXY_TCP_UPSTREAMS, for both the plain and the TLS listener); the broker must expect it
   * (BROKER_PROXY_PROTOCOL). WebSocket upstreams get X-Forwarded-For instead.
   */
  upstreamProxyProtocol: boolean;
  /**
   * PROXY_WS_ALLOWED_ORIGINS (default empty), a comma list: browser origins allowed to open MQTT over
   * WebSocket, on both WebSocket ports ("https://gw.local:8443,http://gw.local:8020"). Empty: same-origin
   * requests (Origin's host equals Host) only. Requests without an Origin header (non-browser clients) are
   * always allowed. A refused upgrade gets a 403 and counts in gateway_proxy_rejected_upgrades_total.
   */
  wsAllowedOrigins: readonly string[];
  adminHost: string;
  adminPort: number;
  logLevel: LogLevel;
}

/** Reads and validates the proxy's settings; throws a ConfigError naming each bad variable. */
export function loadProxyConfig(env: Record<string, string | undefined> = process.env): ProxyConfig {
  const raw = loadConfig(shape, { env, fileVariable: 'PROXY_CONFIG_FILE' });
  const issues: string[] = [];
  if ((raw.PROXY_TLS_CERT_FILE === undefined) !== (raw.PROXY_TLS_KEY_FILE === undefined)) {
    const missing = raw.PROXY_TLS_CERT_FILE === undefined ? 'PROXY_TLS_CERT_FILE' : 'PROXY_TLS_KEY_FILE';
    issues.push(`${missing}: required when ${missing === 'PROXY_TLS_CERT_FILE' ? 'PROXY_TLS_KEY_FILE' : 'PROXY_TLS_CERT_FILE'} is set (give both, or neither for a self-signed certificate)`);
  }
  if (raw.PROXY_TLS_REQUIRE_CLIENT_CERT && raw.PROXY_TLS_CLIENT_CA_FILE === undefined) {
    issues.push('PROXY_TLS_CLIENT_CA_FILE: required when PROXY_TLS_REQUIRE_CLIENT_CERT is on (the CA that signs client certificates)');
  }
  if (raw.PROXY_TLS) {
    const ports = [
      ['PROXY_TCP_PORT', raw.PROXY_TCP_PORT],
      ['PROXY_WS_PORT', raw.PROXY_WS_PORT],
      ['PROXY_TLS_PORT', raw.PROXY_TLS_PORT],
      ['PROXY_WSS_PORT', raw.PROXY_WSS_PORT],
    ] as const;
    for (const [index, [name, port]] of ports.entries()) {
      const clash = ports.slice(0, index).find(([, other]) => other === port && port !== 0);
      if (clash) issues.push(`${name}: ${String(port)} is already ${clash[0]}`);
    }
  }
  if (issues.length > 0) throw new ConfigError(`Invalid configuration:\n  ${issues.join('\n  ')}`, issues);
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
    workers: raw.PROXY_WORKERS,
    staticDir: raw.PROXY_STATIC_DIR,
    tls: {
      enabled: raw.PROXY_TLS,
      port: raw.PROXY_TLS_PORT,
      wssPort: raw.PROXY_WSS_PORT,
      certFile: raw.PROXY_TLS_CERT_FILE,
      keyFile: raw.PROXY_TLS_KEY_FILE,
      clientCaFile: raw.PROXY_TLS_CLIENT_CA_FILE,
      requireClientCert: raw.PROXY_TLS_REQUIRE_CLIENT_CERT,
      reloadIntervalMs: raw.PROXY_TLS_RELOAD_INTERVAL,
    },
    dataDir: raw.PROXY_DATA_DIR,
    upstreamProxyProtocol: raw.PROXY_UPSTREAM_PROXY_PROTOCOL,
    wsAllowedOrigins: raw.PROXY_WS_ALLOWED_ORIGINS,
    adminHost: raw.PROXY_ADMIN_HOST,
    adminPort: raw.PROXY_ADMIN_PORT,
    logLevel: raw.LOG_LEVEL,
  };
}

/** "host:port", or "[v6]:port" for IPv6 addresses, as written in the upstream lists. */
export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${String(port)}` : `${host}:${String(port)}`;
}

/** "https://GW.local:443/" -> "https://gw.local": the form of a browser's Origin header; undefined if not an http(s)/ws(s) origin. */
export function parseOrigin(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) || url.username !== '' || url.password !== '') return undefined;
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') return undefined;
  // Browsers send http(s) origins, also for WebSocket connections.
  const scheme = url.protocol === 'ws:' ? 'http:' : url.protocol === 'wss:' ? 'https:' : url.protocol;
  return new URL(`${scheme}//${url.host}`).origin;
}
