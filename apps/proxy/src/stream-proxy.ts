// The raw MQTT stream proxy (default port 18831): each client connection gets its own connection to an
// upstream broker and the bytes are forwarded untouched, like an NGINX `stream { proxy_pass }` block.
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '@gateway/service-kit';
import type { ProxyMetrics } from './metrics.js';
import type { OpenConnections } from './open-connections.js';
import { bridgeSockets } from './socket-bridge.js';
import { closeGracefully, remoteAddress, tuneSocket } from './sockets.js';
import { ConnectAbortedError, type UpstreamPool } from './upstream-pool.js';

export interface StreamProxyOptions {
  pool: UpstreamPool;
  idleTimeoutMs: number;
  metrics: ProxyMetrics;
  logger: Logger;
  connections: OpenConnections;
}

/** A net.Server (not yet listening) that proxies every accepted connection to the pool's upstreams. */
export function createStreamProxy(options: StreamProxyOptions): Server {
  // pauseOnConnect: nothing is read from the client until its upstream is connected, so the MQTT CONNECT
  // the client sends straight away waits in the kernel buffer and is forwarded first, byte for byte.
  const server = createServer({ pauseOnConnect: true }, (client) => proxyConnection(client, options));
  server.on('error', (error) => options.logger.error({ listener: 'tcp', err: error }, 'stream proxy server error'));
  return server;
}

function proxyConnection(client: Socket, options: StreamProxyOptions): void {
  const { pool, metrics, logger } = options;
  const remote = remoteAddress(client);
  const logFields = { listener: 'tcp', remote };
  tuneSocket(client, 0);
  metrics.connectionOpened('tcp');
  options.connections.add(client);
  const abort = new AbortController();
  client.once('close', () => {
    metrics.connectionClosed('tcp');
    abort.abort();
  });
  // Until the bridge takes over, a failing client socket only needs a debug line (and must not crash us).
  const onEarlyError = (error: Error & { code?: string }) => logger.debug({ ...logFields, code: error.code, err: error.message }, 'client socket error before the upstream connected');
  client.on('error', onEarlyError);

  pool.connect(abort.signal).then(
    ({ socket, upstream }) => {
      client.off('error', onEarlyError);
      if (client.destroyed) {
        socket.destroy();
        return;
      }
      bridgeSockets({ listener: 'tcp', client, upstream: socket, upstreamName: upstream, idleTimeoutMs: options.idleTimeoutMs, metrics, logger, logFields });
    },
    (error: unknown) => {
      if (error instanceof ConnectAbortedError) {
        logger.debug(logFields, 'client went away before an upstream connected');
        return;
      }
      metrics.upstreamUnavailable('tcp');
      logger.warn({ ...logFields, upstreams: pool.upstreams }, `upstream unavailable: ${(error as Error).message}`);
      closeGracefully(client);
    },
  );
}
