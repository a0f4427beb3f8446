// The WebSocket proxy on the dashboard's ports: an HTTP upgrade from an allowed origin is forwarded to an
// upstream broker at the byte level, as NGINX does: request head (with the proxy's own X-Forwarded-* and,
// over TLS, the verified client certificate's CN) and buffered bytes, then both sockets piped, so the
// broker's 101 answer and its Sec-WebSocket-Protocol reach the client untouched.
import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { clientTlsFacts, commonNameHeaderValue } from './client-certificate.js';
import { bridgeContext, connectClientToUpstream, type ListenerOptions } from './client-to-upstream.js';
import type { BridgeContext } from './socket-bridge.js';
import type { ListenerName } from './metrics.js';
import { createOriginPolicy, type OriginPolicy } from './origin-policy.js';
import { closeGracefully, remoteAddress, remoteIp } from './sockets.js';
import { upgradeRequestHead } from './upgrade-request.js';

export interface WebSocketProxyOptions extends ListenerOptions {
  /** "websocket" (plain, X-Forwarded-Proto ws) or "wss" (over TLS); default "websocket". */
  listener?: Extract<ListenerName, 'websocket' | 'wss'>;
  /** Which Origin headers may upgrade; default same-origin (and no Origin) only. */
  originPolicy?: OriginPolicy;
}

export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** A listener for an http(s).Server's 'upgrade' event that proxies WebSocket upgrades to the pool's upstreams. */
export function createWebSocketProxy(options: WebSocketProxyOptions): UpgradeHandler {
  const listener = options.listener ?? 'websocket';
  const originPolicy = options.originPolicy ?? createOriginPolicy([]);
  const context = bridgeContext(listener, options);
  return (request, socket, head) => {
    if (!(socket instanceof Socket)) {
      socket.destroy();
      return;
    }
    if (request.headers.upgrade?.toLowerCase() !== 'websocket') {
      options.metrics.upgradeRejected(listener, 'not-websocket');
      answerAndClose(socket, 400, 'Bad Request', 'only WebSocket upgrades are supported here\n');
      return;
    }
    const decision = originPolicy(request.headers);
    if (!decision.allowed) {
      options.metrics.upgradeRejected(listener, 'origin');
      options.logger.warn({ listener, remote: remoteAddress(socket), url: request.url, origin: request.headers.origin }, `WebSocket upgrade refused: ${decision.reason}`);
      answerAndClose(socket, 403, 'Forbidden', `WebSocket upgrade refused: ${decision.reason}\n`);
      return;
    }
    proxyUpgrade(request, socket, head, context, options);
  };
}

function proxyUpgrade(request: IncomingMessage, client: Socket, head: Buffer, context: BridgeContext, options: WebSocketProxyOptions): void {
  const listener = context.listener;
  const logFields = { listener, remote: remoteAddress(client), url: request.url };
  const clientCertCn = certificateIdentity(client, logFields, options);
  // Hold anything the client sends until the upstream is connected (a client should wait for the 101, but may not).
  client.pause();
  connectClientToUpstream({
    context,
    pool: options.pool,
    client,
    logFields: clientCertCn === undefined ? { url: request.url } : { url: request.url, clientCertCn },
    beforeBridge: (upstream) => {
      upstream.write(upgradeRequestHead(request, { clientIp: remoteIp(client), proto: listener === 'wss' ? 'wss' : 'ws', clientCertCn }));
      if (head.length > 0) {
        options.metrics.bytesFromClient(listener, head.length);
        upstream.write(head);
      }
    },
    turnAway: (socket) => answerAndClose(socket, 502, 'Bad Gateway', 'MQTT broker unavailable: try again later\n'),
  });
}

/** The verified client certificate's CN as an X-Client-Cert-CN value, if there is one that is safe to send. */
function certificateIdentity(client: Socket, logFields: Record<string, unknown>, options: WebSocketProxyOptions): string | undefined {
  const commonName = clientTlsFacts(client)?.commonName;
  if (commonName === undefined) return undefined;
  const value = commonNameHeaderValue(commonName);
  if (value === undefined) options.logger.warn({ ...logFields, commonName }, 'client certificate CN is not printable ASCII: not passed to the broker');
  return value;
}

/** Writes a minimal HTTP response on a raw socket and closes it cleanly. */
function answerAndClose(socket: Socket, status: number, reason: string, body: string): void {
  socket.on('error', () => undefined);
  socket.write(
    `HTTP/1.1 ${String(status)} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${String(Buffer.byteLength(body))}\r\nConnection: close\r\n\r\n${body}`,
  );
  closeGracefully(socket);
}
