// The raw MQTT stream proxy (default port 18831): each client connection gets its own connection to an
// upstream broker and the bytes are forwarded untouched, like an NGINX `stream { proxy_pass }` block.
import { createServer, type Server, type Socket } from 'node:net';
import { connectClientToUpstream, type ListenerOptions } from './client-to-upstream.js';
import { closeGracefully, remoteAddress } from './sockets.js';

export type StreamProxyOptions = ListenerOptions;

/** A net.Server (not yet listening) that proxies every accepted connection to the pool's upstreams. */
export function createStreamProxy(options: StreamProxyOptions): Server {
  // pauseOnConnect: nothing is read from the client until its upstream is connected, so the MQTT CONNECT
  // the client sends straight away waits in the kernel buffer and is forwarded first, byte for byte.
  const server = createServer({ pauseOnConnect: true }, (client) => proxyConnection(client, options));
  server.on('error', (error) => options.logger.error({ listener: 'tcp', err: error }, 'stream proxy server error'));
  return server;
}

function proxyConnection(client: Socket, options: StreamProxyOptions): void {
  connectClientToUpstream({ ...options, listener: 'tcp', client, logFields: { listener: 'tcp', remote: remoteAddress(client) }, turnAway: closeGracefully });
}
