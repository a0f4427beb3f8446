// The raw MQTT stream proxy (default port 18831): each client connection gets its own connection to an
// upstream broker and the bytes are forwarded untouched, like an NGINX `stream { proxy_pass }` block;
// optionally preceded by a PROXY protocol v2 header so the broker sees the client's real address.
import { createServer, type Server, type Socket } from 'node:net';
import { bridgeContext, connectClientToUpstream, type ListenerOptions } from './client-to-upstream.js';
import type { ListenerName } from './metrics.js';
import { closeGracefully } from './sockets.js';
import { upstreamProxyHeader } from './upstream-header.js';

export interface StreamProxyOptions extends ListenerOptions {
  /** Writes a PROXY protocol v2 header first on every upstream connection (PROXY_UPSTREAM_PROXY_PROTOCOL). */
  proxyProtocol?: boolean;
}

/** A net.Server (not yet listening) that proxies every accepted connection to the pool's upstreams. */
export function createStreamProxy(options: StreamProxyOptions): Server {
  // pauseOnConnect: nothing is read from the client until its upstream is connected, so the MQTT CONNECT
  // the client sends straight away waits in the kernel buffer and is forwarded first, byte for byte.
  const server = createServer({ pauseOnConnect: true }, streamConnectionHandler('tcp', options));
  server.on('error', (error) => options.logger.error({ listener: 'tcp', err: error }, 'stream proxy server error'));
  return server;
}

/**
 * The handler of one listener's accepted clients (plain TCP, or TLS once its handshake is done): each is
 * proxied to an upstream; the client must be paused. Its connections share one context, made here.
 */
export function streamConnectionHandler(listener: Extract<ListenerName, 'tcp' | 'tls'>, options: StreamProxyOptions): (client: Socket) => void {
  const context = bridgeContext(listener, options);
  return (client) =>
    connectClientToUpstream({
      context,
      pool: options.pool,
      client,
      ...(options.proxyProtocol === true ? { beforeBridge: (upstream: Socket) => upstream.write(upstreamProxyHeader(client)) } : {}),
      turnAway: closeGracefully,
    });
}
