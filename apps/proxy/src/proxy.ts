// Starts the proxy: the raw MQTT stream listener, the WebSocket/dashboard listener, their TLS twins (MQTT
// over TLS, WebSocket over TLS) and the admin server, and closes them (stop accepting, close client
// connections) on request.
import type { AddressInfo } from 'node:net';
import { close, createLogger, listen, startAdminServer, type AdminServer, type Logger, type ReadinessChecks } from '@gateway/service-kit';
import { formatHostPort, type ProxyConfig } from './config.js';
import type { CertificateInfo } from './certificate-store.js';
import { createProxyMetrics, type ListenerName, type ProxyMetrics } from './metrics.js';
import { OpenConnections } from './open-connections.js';
import { createOriginPolicy } from './origin-policy.js';
import { createStaticSite } from './static-site.js';
import { createStreamProxy } from './stream-proxy.js';
import { startTlsListeners, type StartedTlsListeners } from './tls-listeners.js';
import { UpstreamPool } from './upstream-pool.js';
import { createWebSocketProxy } from './websocket-proxy.js';

/** MQTT keepalive is usually 60 s and a broker waits 1.5 times that: a shorter idle timeout drops healthy idle clients. */
const shortestSafeIdleTimeoutMs = 90_000;

export interface StartProxyOptions {
  logger?: Logger;
}

/** The client-facing listeners of one proxy process, without the admin server (see startProxy). */
export interface ProxyListeners {
  /** Bound ports (a configured port of 0 picks a free one). */
  tcpPort: number;
  wsPort: number;
  /** MQTT over TLS and WebSocket over TLS; undefined when PROXY_TLS is off. */
  tlsPort: number | undefined;
  wssPort: number | undefined;
  metrics: ProxyMetrics;
  /** One check per listener, for /readyz. */
  readiness: ReadinessChecks;
  /** The TLS certificate served now (it changes when the files are replaced); undefined when PROXY_TLS is off. */
  certificate(): CertificateInfo | undefined;
  /** Stops accepting and closes client connections; safe to call more than once. */
  close(): Promise<void>;
}

export interface StartedProxy extends Omit<ProxyListeners, 'metrics' | 'readiness' | 'close'> {
  adminPort: number;
  /** Stops accepting, closes client connections and the admin server; safe to call more than once. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The whole proxy in this process: its listeners and the admin server (/healthz, /readyz, /metrics). */
export async function startProxy(config: ProxyConfig, options: StartProxyOptions = {}): Promise<StartedProxy> {
  const logger = options.logger ?? createLogger('proxy', config.logLevel);
  const listeners = await startProxyListeners(config, logger);
  let admin: AdminServer;
  try {
    admin = await startAdminServer({ host: config.adminHost, port: config.adminPort, registry: listeners.metrics.registry, readiness: listeners.readiness, logger });
  } catch (error) {
    await listeners.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  const closeProxy = () =>
    (closing ??= (async () => {
      await admin.close().catch((error: unknown) => logger.error({ err: error }, 'error while closing the admin server'));
      await listeners.close();
      logger.info('proxy closed');
    })());
  const { tcpPort, wsPort, tlsPort, wssPort } = listeners;
  return { tcpPort, wsPort, tlsPort, wssPort, certificate: () => listeners.certificate(), adminPort: admin.port, close: closeProxy, [Symbol.asyncDispose]: closeProxy };
}

/** Opens the raw MQTT, WebSocket/dashboard and (unless PROXY_TLS is off) TLS listeners. */
export async function startProxyListeners(config: ProxyConfig, logger: Logger): Promise<ProxyListeners> {
  const metrics = createProxyMetrics();
  if (config.idleTimeoutMs > 0 && config.idleTimeoutMs < shortestSafeIdleTimeoutMs) {
    logger.warn({ idleTimeoutMs: config.idleTimeoutMs }, 'PROXY_IDLE_TIMEOUT is shorter than MQTT keepalive needs: idle clients will be dropped');
  }
  const cleanups: (() => Promise<void>)[] = [];
  const undo = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => logger.error({ err: error }, 'error while undoing start-up'));
  };
  try {
    const tcpConnections = new OpenConnections();
    const tcpServer = createStreamProxy({
      pool: createPool('tcp', config, config.tcpUpstreams, metrics, logger),
      idleTimeoutMs: config.idleTimeoutMs,
      metrics,
      logger,
      connections: tcpConnections,
      proxyProtocol: config.upstreamProxyProtocol,
    });
    const tcpPort = await listenOrExplain('tcp', tcpServer, config.tcpPort, config.host);
    cleanups.push(() => {
      tcpConnections.closeAll();
      return close(tcpServer);
    });
    logger.info(
      { listener: 'tcp', host: config.host, port: tcpPort, upstreams: config.tcpUpstreams.map(formatHostPort), proxyProtocol: config.upstreamProxyProtocol },
      'MQTT stream proxy listening',
    );

    const wsConnections = new OpenConnections();
    const originPolicy = createOriginPolicy(config.wsAllowedOrigins);
    const site = await createStaticSite({ root: config.staticDir, metrics, logger });
    site.server.on(
      'upgrade',
      createWebSocketProxy({
        pool: createPool('websocket', config, config.wsUpstreams, metrics, logger),
        idleTimeoutMs: config.idleTimeoutMs,
        metrics,
        logger,
        connections: wsConnections,
        originPolicy,
      }),
    );
    try {
      await site.listen({ host: config.host, port: config.wsPort });
    } catch (error) {
      throw new Error(`websocket listener: cannot listen on ${config.host}:${String(config.wsPort)}: ${(error as Error).message}`, { cause: error });
    }
    cleanups.push(() => {
      wsConnections.closeAll();
      return site.close();
    });
    const wsPort = (site.server.address() as AddressInfo).port;
    logger.info(
      {
        listener: 'websocket',
        host: config.host,
        port: wsPort,
        upstreams: config.wsUpstreams.map(formatHostPort),
        staticDir: config.staticDir,
        allowedOrigins: config.wsAllowedOrigins.length > 0 ? config.wsAllowedOrigins : 'same-origin',
      },
      'WebSocket proxy and dashboard listening',
    );

    const tls: StartedTlsListeners | undefined = config.tls.enabled
      ? await startTlsListeners({
          config,
          pools: { tls: createPool('tls', config, config.tcpUpstreams, metrics, logger), wss: createPool('wss', config, config.wsUpstreams, metrics, logger) },
          site,
          originPolicy,
          metrics,
          logger,
        })
      : undefined;
    if (tls) cleanups.push(() => tls.close());

    let accepting = true;
    const tlsReadiness = tls ? { tls: () => accepting && tls.listening().tls, wss: () => accepting && tls.listening().wss } : {};
    let closing: Promise<void> | undefined;
    return {
      tcpPort,
      wsPort,
      tlsPort: tls?.tlsPort,
      wssPort: tls?.wssPort,
      metrics,
      readiness: { tcp: () => accepting && tcpServer.listening, websocket: () => accepting && site.server.listening, ...tlsReadiness },
      certificate: () => tls?.certificate(),
      close: () =>
        (closing ??= (async () => {
          accepting = false;
          await undo();
        })()),
    };
  } catch (error) {
    await undo();
    throw error;
  }
}

function createPool(listener: ListenerName, config: ProxyConfig, upstreams: ProxyConfig['tcpUpstreams'], metrics: ProxyMetrics, logger: Logger): UpstreamPool {
  return new UpstreamPool({
    upstreams,
    connectTimeoutMs: config.connectTimeoutMs,
    retries: config.connectRetries,
    retryDelayMs: config.retryDelayMs,
    onConnectFailure: (upstream, error) => {
      metrics.upstreamConnectFailed(listener, upstream);
      logger.debug({ listener, upstream, err: error.message }, 'upstream connect attempt failed');
    },
  });
}

async function listenOrExplain(listener: ListenerName, server: Parameters<typeof listen>[0], port: number, host: string): Promise<number> {
  try {
    return await listen(server, port, host);
  } catch (error) {
    throw new Error(`${listener} listener: cannot listen on ${host}:${String(port)}: ${(error as Error).message}`, { cause: error });
  }
}
