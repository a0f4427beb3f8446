// The MQTT-over-WebSocket listener (default port 8001): any path, subprotocol `mqtt` (or `mqttv3.1`),
// each WebSocket message capped at the maximum packet size.
import { createServer, type IncomingMessage } from 'node:http';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { close, listen, type Logger } from '@gateway/service-kit';
import type { Connections } from '../connections.js';
import type { StartedListener } from './tcp.js';

const subprotocols = ['mqtt', 'mqttv3.1'];

/** Picks the MQTT subprotocol the client offered; a client offering none still connects, as with Mosquitto. */
export function chooseSubprotocol(offered: ReadonlySet<string>): string | false {
  return subprotocols.find((protocol) => offered.has(protocol)) ?? false;
}

export async function startWebSocketListener(options: {
  host: string;
  port: number;
  maxPacketSize: number;
  connections: Connections;
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
  wss.on('connection', (ws, request: IncomingMessage) => {
    const socket = request.socket;
    ws.on('error', (error: Error & { code?: string }) => {
      const remoteAddress = `${socket.remoteAddress ?? 'unknown'}:${String(socket.remotePort)}`;
      const fields = { listener: 'websocket', remoteAddress, code: error.code, err: error.message };
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        options.logger.warn({ ...fields, maxPacketSize: options.maxPacketSize }, 'WebSocket message larger than the maximum packet size: closing the connection');
      } else {
        options.logger.warn(fields, 'WebSocket error: closing the connection');
      }
    });
    options.connections.accept('websocket', createWebSocketStream(ws), socket, request);
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
