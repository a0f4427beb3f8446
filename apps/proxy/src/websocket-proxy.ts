// The WebSocket proxy on the dashboard's port: an HTTP upgrade is forwarded to an upstream broker at the
// byte level, as NGINX does: request head (plus X-Forwarded-*) and buffered bytes, then both sockets piped,
// so the broker's 101 answer and its Sec-WebSocket-Protocol reach the client untouched.
import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '@gateway/service-kit';
import type { ProxyMetrics } from './metrics.js';
import type { OpenConnections } from './open-connections.js';
import { bridgeSockets } from './socket-bridge.js';
import { closeGracefully, remoteAddress, remoteIp, tuneSocket } from './sockets.js';
import { upgradeRequestHead } from './upgrade-request.js';
import { ConnectAbortedError, type UpstreamPool } from './upstream-pool.js';

export interface WebSocketProxyOptions {
  pool: UpstreamPool;
  idleTimeoutMs: number;
  metrics: ProxyMetrics;
  logger: Logger;
  connections: OpenConnections;
}

export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** A listener for an http.Server's 'upgrade' event that proxies WebSocket upgrades to the pool's upstreams. */
export function createWebSocketProxy(options: WebSocketProxyOptions): UpgradeHandler {
  return (request, socket, head) => {
    if (!(socket instanceof Socket)) {
      socket.destroy();
      return;
    }
    if (request.headers.upgrade?.toLowerCase() !== 'websocket') {
      answerAndClose(socket, 400, 'Bad Request', 'only WebSocket upgrades are supported here\n');
      return;
    }
    proxyUpgrade(request, socket, head, options);
  };
}

function proxyUpgrade(request: IncomingMessage, client: Socket, head: Buffer, options: WebSocketProxyOptions): void {
  const { pool, metrics, logger } = options;
  // Hold anything the client sends until the upstream is connected (a client should wait for the 101, but may not).
  client.pause();
  const remote = remoteAddress(client);
  const logFields = { listener: 'websocket', remote, url: request.url };
  // The HTTP server's own timeouts (server.timeout, keepAliveTimeout) must not reach an upgraded connection.
  tuneSocket(client, 0);
  metrics.connectionOpened('websocket');
  options.connections.add(client);
  const abort = new AbortController();
  client.once('close', () => {
    metrics.connectionClosed('websocket');
    abort.abort();
  });
  const onEarlyError = (error: Error & { code?: string }) => logger.debug({ ...logFields, code: error.code, err: error.message }, 'client socket error before the upstream connected');
  client.on('error', onEarlyError);

  pool.connect(abort.signal).then(
    ({ socket, upstream }) => {
      client.off('error', onEarlyError);
      if (client.destroyed) {
        socket.destroy();
        return;
      }
      socket.write(upgradeRequestHead(request, { clientIp: remoteIp(client), proto: 'http' }));
      if (head.length > 0) {
        metrics.bytesFromClient('websocket', head.length);
        socket.write(head);
      }
      bridgeSockets({ listener: 'websocket', client, upstream: socket, upstreamName: upstream, idleTimeoutMs: options.idleTimeoutMs, metrics, logger, logFields });
    },
    (error: unknown) => {
      if (error instanceof ConnectAbortedError) {
        logger.debug(logFields, 'client went away before an upstream connected');
        return;
      }
      metrics.upstreamUnavailable('websocket');
      logger.warn({ ...logFields, upstreams: pool.upstreams }, `upstream unavailable: ${(error as Error).message}`);
      answerAndClose(client, 502, 'Bad Gateway', 'MQTT broker unavailable: try again later\n');
    },
  );
}

/** Writes a minimal HTTP response on a raw socket and closes it cleanly. */
function answerAndClose(socket: Socket, status: number, reason: string, body: string): void {
  socket.on('error', () => undefined);
  socket.write(
    `HTTP/1.1 ${String(status)} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${String(Buffer.byteLength(body))}\r\nConnection: close\r\n\r\n${body}`,
  );
  closeGracefully(socket);
}
