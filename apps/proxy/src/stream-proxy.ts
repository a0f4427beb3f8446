// The raw MQTT stream proxy (default port 18831): each client connection gets its own connection to an
// upstream broker and the bytes are forwarded untouched, like an NGINX `stream { proxy_pass }` block;
// optionally preceded by a PROXY protocol v2 header so the broker sees the client's real address.
import { createServer, type Server, type Socket } from 'node:net';
import { bridgeContext, connectClientToUpstream, type ListenerOptions } from './client-to-upstream.js';
import type { ListenerName } from './metrics.js';
import type { BridgeContext } from './socket-bridge.js';
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
  const server = createServer({ pauseOnConnect: true }, (client) => proxyStreamConnection(client, 'tcp', options));
  server.on('error', (error) => options.logger.error({ listener: 'tcp', err: error }, 'stream proxy server error'));
  return server;
}

/** Each listener's options and the context its connections share, made on its first connection. */
const contexts = new WeakMap<StreamProxyOptions, Record<'tcp' | 'tls', BridgeContext | undefined>>();

/** Proxies one accepted client (plain TCP, or TLS once its handshake is done) to an upstream; the client must be paused. */
export function proxyStreamConnection(client: Socket, listener: Extract<ListenerName, 'tcp' | 'tls'>, options: StreamProxyOptions): void {
  let shared = contexts.get(options);
  if (shared === undefined) contexts.set(options, (shared = { tcp: undefined, tls: undefined }));
  const context = (shared[listener] ??= bridgeContext(listener, options));
  connectClientToUpstream({
    context,
    pool: options.pool,
    client,
    ...(options.proxyProtocol === true ? { beforeBridge: (upstream: Socket) => upstream.write(upstreamProxyHeader(client)) } : {}),
    turnAway: closeGracefully,
  });
}
