// The raw MQTT-over-TCP listener (default port 1883). With PROXY protocol on, a connection from a trusted
// proxy must start with a PROXY v2 header naming the client; other peers speak MQTT straight away.
import { createServer, type Socket } from 'node:net';
import { readProxyHeaderV2 } from '@gateway/proxy-protocol';
import { close, listen, type Logger } from '@gateway/service-kit';
import type { Connections } from '../connections.js';
import { formatPeer, peerFromProxyHeader, socketPeer } from '../peer.js';
import type { TrustedProxies } from '../trusted-proxies.js';

export interface StartedListener {
  port: number;
  /** Stops accepting connections at once; resolves once the open ones have closed too. */
  close(): Promise<void>;
}

export interface TcpListenerOptions {
  host: string;
  port: number;
  connections: Connections;
  /** Expect a PROXY v2 header on connections from `trustedProxies`. */
  proxyProtocol: boolean;
  trustedProxies: TrustedProxies;
  /** How long a trusted proxy has to send the whole header. */
  headerTimeoutMs: number;
  logger: Logger;
}

function acceptProxied(socket: Socket, options: TcpListenerOptions): void {
  const own = socketPeer(socket);
  readProxyHeaderV2(socket, { timeoutMs: options.headerTimeoutMs }).then(
    ({ header }) => options.connections.accept('tcp', socket, socket, peerFromProxyHeader(socket, header)),
    (error: unknown) => {
      options.logger.warn(
        { listener: 'tcp', remoteAddress: formatPeer(own.address, own.port), err: (error as Error).message },
        'no valid PROXY v2 header from a trusted proxy, closing the connection (the proxy needs PROXY_UPSTREAM_PROXY_PROTOCOL=true, or set BROKER_PROXY_PROTOCOL=false)',
      );
      socket.destroy();
    },
  );
}

export async function startTcpListener(options: TcpListenerOptions): Promise<StartedListener> {
  const accept = (socket: Socket, proxied: boolean) => {
    if (proxied) acceptProxied(socket, options);
    else options.connections.accept('tcp', socket, socket, socketPeer(socket));
  };
  const server = createServer((socket) => {
    if (!options.proxyProtocol) accept(socket, false);
    else void options.trustedProxies.check(socket.remoteAddress).then((trusted) => accept(socket, trusted));
  });
  let port: number;
  try {
    port = await listen(server, options.port, options.host);
  } catch (error) {
    throw new Error(`tcp listener: cannot listen on ${options.host}:${String(options.port)}: ${(error as Error).message}`, { cause: error });
  }
  return { port, close: () => close(server) };
}
