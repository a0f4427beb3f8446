// The WebSocket proxy on the dashboard's port: an HTTP upgrade is forwarded to an upstream broker at the
// byte level, as NGINX does: request head (plus X-Forwarded-*) and buffered bytes, then both sockets piped,
// so the broker's 101 answer and its Sec-WebSocket-Protocol reach the client untouched.
import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connectClientToUpstream, type ListenerOptions } from './client-to-upstream.js';
import { closeGracefully, remoteAddress, remoteIp } from './sockets.js';
import { upgradeRequestHead } from './upgrade-request.js';

export type WebSocketProxyOptions = ListenerOptions;

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
  // Hold anything the client sends until the upstream is connected (a client should wait for the 101, but may not).
  client.pause();
  connectClientToUpstream({
    ...options,
    listener: 'websocket',
    client,
    logFields: { listener: 'websocket', remote: remoteAddress(client), url: request.url },
    beforeBridge: (upstream) => {
      upstream.write(upgradeRequestHead(request, { clientIp: remoteIp(client), proto: 'http' }));
      if (head.length > 0) {
        options.metrics.bytesFromClient('websocket', head.length);
        upstream.write(head);
      }
    },
    turnAway: (socket) => answerAndClose(socket, 502, 'Bad Gateway', 'MQTT broker unavailable: try again later\n'),
  });
}

/** Writes a minimal HTTP response on a raw socket and closes it cleanly. */
function answerAndClose(socket: Socket, status: number, reason: string, body: string): void {
  socket.on('error', () => undefined);
  socket.write(
    `HTTP/1.1 ${String(status)} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${String(Buffer.byteLength(body))}\r\nConnection: close\r\n\r\n${body}`,
  );
  closeGracefully(socket);
}
