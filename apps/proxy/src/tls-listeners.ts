// The TLS listeners: MQTT over TLS (PROXY_TLS_PORT, proxied to the raw MQTT upstreams like the plain MQTT
// port) and WebSocket over TLS (PROXY_WSS_PORT, the dashboard's files and MQTT over WebSocket like the plain
// WebSocket port). Both serve the certificate store's current pair and switch to a new one in place.
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { createServer as createTlsServer, type SecureContextOptions, type Server as TlsServer, type TlsOptions, type TLSSocket } from 'node:tls';
import { close, listen, type Logger } from '@gateway/service-kit';
import type { FastifyInstance } from 'fastify';
import { CertificateStore, describeCertificate, type CertificateFiles, type CertificateInfo, type TlsMaterial } from './certificate-store.js';
import { clientTlsFacts } from './client-certificate.js';
import type { ProxyConfig } from './config.js';
import type { ProxyMetrics } from './metrics.js';
import { OpenConnections } from './open-connections.js';
import type { OriginPolicy } from './origin-policy.js';
import { ensureSelfSignedCertificate } from './self-signed.js';
import { closeGraceMs, remoteAddress } from './sockets.js';
import { streamConnectionHandler } from './stream-proxy.js';
import type { UpstreamPool } from './upstream-pool.js';
import { createWebSocketProxy } from './websocket-proxy.js';

export interface TlsListenersOptions {
  config: Pick<ProxyConfig, 'host' | 'tls' | 'dataDir' | 'idleTimeoutMs' | 'upstreamProxyProtocol'>;
  /** Upstream pools of the MQTT-over-TLS listener (raw MQTT upstreams) and of the WebSocket-over-TLS one. */
  pools: { tls: UpstreamPool; wss: UpstreamPool };
  /** The dashboard's fastify app, ready: its request handler serves the WebSocket-over-TLS port too. */
  site: FastifyInstance;
  originPolicy: OriginPolicy;
  metrics: ProxyMetrics;
  logger: Logger;
}

export interface StartedTlsListeners {
  tlsPort: number;
  wssPort: number;
  /** The certificate served now. */
  certificate(): CertificateInfo;
  listening(): { tls: boolean; wss: boolean };
  /** Stops accepting, closes client connections and stops watching the certificate files. */
  close(): Promise<void>;
}

/** Finds (or generates) the certificate, opens both TLS listeners and keeps their certificate up to date. */
export async function startTlsListeners(options: TlsListenersOptions): Promise<StartedTlsListeners> {
  const { config, metrics, logger } = options;
  const { files, source, certName } = await certificateFiles(config, logger);
  const servers: { tls?: TlsServer; wss?: HttpsServer } = {};
  const applyMaterial = (material: TlsMaterial) => {
    const context = secureContextOptions(material);
    servers.tls?.setSecureContext(context);
    servers.wss?.setSecureContext(context);
  };
  const store = await CertificateStore.open({
    files,
    names: { cert: certName, key: certName === 'PROXY_TLS_CERT_FILE' ? 'PROXY_TLS_KEY_FILE' : 'self-signed key', clientCa: 'PROXY_TLS_CLIENT_CA_FILE' },
    pollIntervalMs: config.tls.reloadIntervalMs,
    logger,
    onReload: applyMaterial,
  });
  const describe = describeCertificate(store.material.info);
  logger.info(
    { ...describe, source, clientCa: config.tls.clientCaFile, requireClientCert: config.tls.requireClientCert },
    `TLS certificate in use: ${String(describe.certFile)} (${String(describe.subject)}, expires ${String(describe.expires)}, SHA-256 ${String(describe.sha256)})`,
  );
  if (Date.parse(store.material.info.validTo) < Date.now()) logger.warn(describe, 'TLS certificate has expired: clients that check it will refuse to connect');

  const serverOptions = tlsServerOptions(store.material);
  const tlsConnections = new OpenConnections();
  const wssConnections = new OpenConnections();
  const cleanups: (() => Promise<void>)[] = [() => Promise.resolve(store.close())];
  const undo = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => logger.error({ err: error }, 'error while closing a TLS listener'));
  };
  try {
    const proxyTlsClient = streamConnectionHandler('tls', {
      pool: options.pools.tls,
      idleTimeoutMs: config.idleTimeoutMs,
      metrics,
      logger,
      connections: tlsConnections,
      proxyProtocol: config.upstreamProxyProtocol,
    });
    const tlsServer = createTlsServer(serverOptions, (client) => {
      if (refuseUnverifiedClient(client, 'tls', config.tls.requireClientCert, metrics, logger)) return;
      client.pause();
      proxyTlsClient(client);
    });
    servers.tls = tlsServer;
    const tlsSockets = watchConnections(tlsServer, 'tls', metrics, logger);
    const tlsPort = await listenOrExplain('tls', tlsServer, config.tls.port, config.host);
    cleanups.push(() => closeServer(tlsServer, tlsConnections, tlsSockets));
    logger.info({ listener: 'tls', host: config.host, port: tlsPort }, 'MQTT over TLS proxy listening');

    const wssServer = createHttpsServer(serverOptions, (request, response) => options.site.routing(request, response));
    // Before the HTTP server's own listener, so a refused client never gets as far as a request.
    wssServer.prependListener('secureConnection', (client: TLSSocket) => refuseUnverifiedClient(client, 'wss', config.tls.requireClientCert, metrics, logger));
    wssServer.on(
      'upgrade',
      createWebSocketProxy({
        listener: 'wss',
        pool: options.pools.wss,
        idleTimeoutMs: config.idleTimeoutMs,
        metrics,
        logger,
        connections: wssConnections,
        originPolicy: options.originPolicy,
      }),
    );
    servers.wss = wssServer;
    const wssSockets = watchConnections(wssServer, 'wss', metrics, logger);
    const wssPort = await listenOrExplain('wss', wssServer, config.tls.wssPort, config.host);
    cleanups.push(() => closeServer(wssServer, wssConnections, wssSockets));
    logger.info({ listener: 'wss', host: config.host, port: wssPort }, 'WebSocket over TLS proxy and dashboard listening');

    // A reload between reading serverOptions and a server's creation did not reach that server: apply the latest to both.
    applyMaterial(store.material);
    return {
      tlsPort,
      wssPort,
      certificate: () => store.material.info,
      listening: () => ({ tls: tlsServer.listening, wss: wssServer.listening }),
      close: undo,
    };
  } catch (error) {
    await undo();
    throw error;
  }
}

/** cert/key (and the client CA) as a secure context: what setSecureContext() takes. */
export function secureContextOptions(material: TlsMaterial): SecureContextOptions {
  return { cert: material.cert, key: material.key, ...(material.ca === undefined ? {} : { ca: material.ca }) };
}

/**
 * Server options: the secure context, TLS 1.2 or later, and client certificates asked for when there is a
 * client CA. Node's own rejectUnauthorized is off: it drops clients with a bad certificate silently, so
 * refuseUnverifiedClient() enforces PROXY_TLS_REQUIRE_CLIENT_CERT instead, with a log line and a count.
 */
export function tlsServerOptions(material: TlsMaterial): TlsOptions {
  return { ...secureContextOptions(material), minVersion: 'TLSv1.2', requestCert: material.ca !== undefined, rejectUnauthorized: false };
}

/** Closes a TLS client without a verified certificate when one is required; true if it did. */
function refuseUnverifiedClient(client: TLSSocket, listener: 'tls' | 'wss', requireClientCert: boolean, metrics: ProxyMetrics, logger: Logger): boolean {
  if (!requireClientCert || client.authorized) return false;
  metrics.tlsClientRefused(listener, 'client-certificate');
  const reason = clientTlsFacts(client)?.certificatePresented === true ? String(client.authorizationError) : 'no certificate sent';
  logger.info({ listener, remote: remoteAddress(client), reason }, 'TLS client refused: no verified client certificate');
  client.destroy();
  return true;
}

function configuredFiles(config: TlsListenersOptions['config']): CertificateFiles | undefined {
  const { certFile, keyFile, clientCaFile } = config.tls;
  return certFile === undefined || keyFile === undefined ? undefined : { certFile, keyFile, clientCaFile };
}

/** The configured pair, or the self-signed one in the data directory (generated on first start, and logged then). */
export async function certificateFiles(config: TlsListenersOptions['config'], logger: Logger): Promise<{ files: CertificateFiles; source: string; certName: string }> {
  const configured = configuredFiles(config);
  if (configured !== undefined) return { files: configured, source: 'PROXY_TLS_CERT_FILE/PROXY_TLS_KEY_FILE', certName: 'PROXY_TLS_CERT_FILE' };
  let selfSigned: Awaited<ReturnType<typeof ensureSelfSignedCertificate>>;
  try {
    selfSigned = await ensureSelfSignedCertificate(config.dataDir);
  } catch (error) {
    throw new Error(`PROXY_DATA_DIR: cannot create a self-signed TLS certificate in ${config.dataDir}: ${(error as Error).message}`, { cause: error });
  }
  if (selfSigned.generated) logger.info({ certFile: selfSigned.certFile, keyFile: selfSigned.keyFile, reason: selfSigned.reason }, 'generated a self-signed TLS certificate');
  return {
    files: { certFile: selfSigned.certFile, keyFile: selfSigned.keyFile, clientCaFile: config.tls.clientCaFile },
    source: selfSigned.generated ? 'self-signed, generated now' : 'self-signed, generated earlier',
    certName: 'self-signed certificate',
  };
}

/** Counts and logs failed handshakes; returns every accepted TCP connection still open (each removes itself on close). */
function watchConnections(server: TlsServer, listener: 'tls' | 'wss', metrics: ProxyMetrics, logger: Logger): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', (error: Error & { code?: string }, socket: Socket) => {
    metrics.tlsClientRefused(listener, 'handshake');
    logger.debug({ listener, remote: remoteAddress(socket), code: error.code, err: error.message }, 'TLS handshake failed');
  });
  server.on('error', (error) => logger.error({ listener, err: error }, 'TLS listener error'));
  return sockets;
}

/** Stops accepting and closes the proxied connections cleanly; after the grace period, drops what is left (handshakes under way). */
async function closeServer(server: TlsServer | HttpsServer, connections: OpenConnections, tcpConnections: Set<Socket>): Promise<void> {
  const closed = close(server);
  if ('closeIdleConnections' in server) server.closeIdleConnections();
  connections.closeAll();
  const timer = setTimeout(() => {
    for (const socket of tcpConnections) socket.destroy();
    if ('closeAllConnections' in server) server.closeAllConnections();
  }, closeGraceMs);
  timer.unref();
  await closed;
  clearTimeout(timer);
}

async function listenOrExplain(listener: 'tls' | 'wss', server: TlsServer, port: number, host: string): Promise<number> {
  try {
    return await listen(server, port, host);
  } catch (error) {
    throw new Error(`${listener} listener: cannot listen on ${host}:${String(port)}: ${(error as Error).message}`, { cause: error });
  }
}
