// What both proxies do with an accepted client: track it, connect it to an upstream from the pool
// (abandoning the attempt if the client leaves), then bridge the two sockets; or, when no upstream
// answers, log one line and let the listener turn the client away in its own protocol.
import type { Socket } from 'node:net';
import type { Logger } from '@gateway/service-kit';
import type { ListenerName, ProxyMetrics } from './metrics.js';
import type { OpenConnections } from './open-connections.js';
import { bridgeSockets } from './socket-bridge.js';
import { tuneSocket } from './sockets.js';
import { ConnectAbortedError, type UpstreamPool } from './upstream-pool.js';

/** What a listener (the stream proxy or the WebSocket proxy) is given to proxy its clients. */
export interface ListenerOptions {
  pool: UpstreamPool;
  idleTimeoutMs: number;
  metrics: ProxyMetrics;
  logger: Logger;
  connections: OpenConnections;
}

export interface ClientToUpstreamOptions extends ListenerOptions {
  listener: ListenerName;
  client: Socket;
  logFields: Record<string, unknown>;
  /** Writes what must reach the upstream before the client's own bytes (the WebSocket upgrade request). */
  beforeBridge?: (upstream: Socket) => void;
  /** Turns the client away when no upstream answered (a clean close, or an HTTP 502). */
  turnAway: (client: Socket) => void;
}

export function connectClientToUpstream(options: ClientToUpstreamOptions): void {
  const { listener, client, logFields, pool, metrics, logger } = options;
  // No idle timeout of the server's own (node's HTTP timeouts included) reaches a proxied connection.
  tuneSocket(client, 0);
  metrics.connectionOpened(listener);
  options.connections.add(client);
  const abort = new AbortController();
  client.once('close', () => {
    metrics.connectionClosed(listener);
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
      options.beforeBridge?.(socket);
      bridgeSockets({ listener, client, upstream: socket, upstreamName: upstream, idleTimeoutMs: options.idleTimeoutMs, metrics, logger, logFields });
    },
    (error: unknown) => {
      if (error instanceof ConnectAbortedError) {
        logger.debug(logFields, 'client went away before an upstream connected');
        return;
      }
      metrics.upstreamUnavailable(listener);
      logger.warn({ ...logFields, upstreams: pool.upstreams }, `upstream unavailable: ${(error as Error).message}`);
      options.turnAway(client);
    },
  );
}
