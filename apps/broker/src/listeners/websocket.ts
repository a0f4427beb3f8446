// The MQTT-over-WebSocket listener (default port 8001): any path, subprotocol `mqtt` (or `mqttv3.1`),
// each WebSocket message capped at the maximum packet size.
import { createServer, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { close, listen, type Logger } from '@gateway/service-kit';
import type { Connections } from '../connections.js';
import type { LimitReporter } from '../limit-reporter.js';
import { formatPeer, peerFromUpgrade, socketPeer } from '../peer.js';
import type { TrustedProxies } from '../trusted-proxies.js';
import type { StartedListener } from './tcp.js';
import { useBinaryFrameFastPathFor } from './websocket-binary-fast-path.js';
import { createMqttWebSocketStream, webSocketStreamOf } from './websocket-stream.js';

const subprotocols = ['mqtt', 'mqttv3.1'];

/** Picks the MQTT subprotocol the client offered; a client offering none still connects, as with Mosquitto. */
export function chooseSubprotocol(offered: ReadonlySet<string>): string | false {
  return subprotocols.find((protocol) => offered.has(protocol)) ?? false;
}

export async function startWebSocketListener(options: {
  host: string;
  port: number;
  maxPacketSize: number;
  /** How long a connection may take to complete its WebSocket upgrade before it is closed (slowloris). */
  upgradeTimeoutMs: number;
  connections: Connections;
  limits: LimitReporter;
  /** Peers whose X-Forwarded-For and X-Client-Cert-CN headers name the client. */
  trustedProxies: TrustedProxies;
  logger: Logger;
}): Promise<StartedListener> {
  const server = createServer((_request, response) => {
    response.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' }).end('MQTT over WebSocket: upgrade required\n');
  });
  const wss = new WebSocketServer({
    server,
    maxPayload: options.maxPacketSize,
    perMessageDeflate: false,
    handleProtocols: (offered) => chooseSubprotocol(offered),
  });
  // A socket that has not finished its upgrade in time is closed; aedes' own CONNECT deadline takes over after.
  // Memory: nothing made here outlives the upgrade (the deadline, its 'close' listener, the upgrade request),
  // and the WebSocket's error listener is one function shared by all connections, not a closure per connection.
  const upgradeDeadlines = new WeakMap<Socket, NodeJS.Timeout>();
  function clearUpgradeDeadline(this: Socket): void {
    clearTimeout(upgradeDeadlines.get(this));
    upgradeDeadlines.delete(this);
    this.off('close', clearUpgradeDeadline);
  }
  server.on('connection', (socket: Socket) => {
    const timer = setTimeout(() => {
      options.limits.report(
        { limit: 'connect_timeout', listener: 'websocket', remoteAddress: formatPeer(socketPeer(socket).address, socket.remotePort), details: { upgradeTimeoutMs: options.upgradeTimeoutMs } },
        'no WebSocket upgrade in time, closing the connection',
      );
      socket.destroy();
    }, options.upgradeTimeoutMs);
    timer.unref();
    upgradeDeadlines.set(socket, timer);
    socket.on('close', clearUpgradeDeadline);
  });
  function onWebSocketError(this: WebSocket, error: Error & { code?: string }): void {
    const stream = webSocketStreamOf(this);
    const socket = (this as unknown as { _socket: Socket | null })._socket;
    const remoteAddress =
      (stream && options.connections.describeStream(stream)?.remoteAddress) ?? (socket ? formatPeer(socketPeer(socket).address, socket.remotePort) : 'unknown');
    const fields = { listener: 'websocket', remoteAddress, code: error.code, err: error.message };
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      options.logger.warn({ ...fields, maxPacketSize: options.maxPacketSize }, 'WebSocket message larger than the maximum packet size: closing the connection');
    } else {
      options.logger.warn(fields, 'WebSocket error: closing the connection');
    }
  }
  let fastPathWarned = false;
  wss.on('connection', (ws, request: IncomingMessage) => {
    const socket = request.socket;
    clearUpgradeDeadline.call(socket);
    // The stream buffers what arrives while the peer is being established (a host name may need resolving).
    const stream = createMqttWebSocketStream(ws);
    if (!useBinaryFrameFastPathFor(ws) && !fastPathWarned) {
      fastPathWarned = true;
      options.logger.warn({ listener: 'websocket' }, "ws' Receiver is not the one the binary-frame fast path was written for: every frame goes through ws' own parser");
    }
    ws.on('error', onWebSocketError);
    // aedes is not given the request (client.req): nothing reads it, and it would keep its headers for the connection's life.
    void peerFromUpgrade(socket, request, options.trustedProxies).then((peer) => options.connections.accept('websocket', stream, socket, peer));
  });
  wss.on('error', (error) => options.logger.error({ listener: 'websocket', err: error }, 'WebSocket server error'));

  let port: number;
  try {
    port = await listen(server, options.port, options.host);
  } catch (error) {
    throw new Error(`websocket listener: cannot listen on ${options.host}:${String(options.port)}: ${(error as Error).message}`, { cause: error });
  }
  return {
    port,
    close: async () => {
      const closed = close(server);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await closed;
    },
  };
}
