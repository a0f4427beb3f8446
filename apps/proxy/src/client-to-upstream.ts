// What both proxies do with an accepted client: track it, connect it to an upstream from the pool
// (abandoning the attempt if the client leaves), then bridge the two sockets; or, when no upstream
// answers, log one line and let the listener turn the client away in its own protocol.
import type { Socket } from 'node:net';
import type { Logger } from '@gateway/service-kit';
import type { ListenerName, ProxyMetrics } from './metrics.js';
import type { OpenConnections } from './open-connections.js';
import { ProxiedConnection, type BridgeContext } from './socket-bridge.js';
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

export interface ClientToUpstreamOptions {
  /** The listener's context, shared by all its connections (see bridgeContext). */
  context: BridgeContext;
  pool: UpstreamPool;
  client: Socket;
  /** Log fields besides the listener and the client's address (the WebSocket request's URL...). */
  logFields?: Record<string, unknown>;
  /** Writes what must reach the upstream before the client's own bytes (the WebSocket upgrade request). */
  beforeBridge?: (upstream: Socket) => void;
  /** Turns the client away when no upstream answered (a clean close, or an HTTP 502). */
  turnAway: (client: Socket) => void;
}

/** The part of a listener's options every one of its connections shares; make it once per listener. */
export function bridgeContext(listener: ListenerName, options: ListenerOptions): BridgeContext {
  return { listener, idleTimeoutMs: options.idleTimeoutMs, metrics: options.metrics, logger: options.logger, connections: options.connections };
}

export function connectClientToUpstream(options: ClientToUpstreamOptions): void {
  const { client, pool, context } = options;
  // No idle timeout of the server's own (node's HTTP timeouts included) reaches a proxied connection.
  tuneSocket(client, 0);
  const proxied = new ProxiedConnection(client, context, options.logFields);
  const signal = (proxied.abort as AbortController).signal;
  pool.connect(signal).then(
    ({ socket, upstream }) => {
      if (client.destroyed) {
        socket.destroy();
        return;
      }
      options.beforeBridge?.(socket);
      proxied.bridge(socket, upstream);
    },
    (error: unknown) => {
      proxied.abort = undefined;
      const { logger } = context;
      if (error instanceof ConnectAbortedError) {
        if (logger.isLevelEnabled('debug')) logger.debug(proxied.logFields(), 'client went away before an upstream connected');
        return;
      }
      context.metrics.upstreamUnavailable(context.listener);
      logger.warn({ ...proxied.logFields(), upstreams: pool.upstreams }, `upstream unavailable: ${(error as Error).message}`);
      options.turnAway(client);
    },
  );
}
