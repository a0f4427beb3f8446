// Test helper: sends an HTTP request on a raw TCP socket and reads the response head, for checking the
// exact status line and headers of a WebSocket upgrade (as a browser would see them).
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  statusLine: string;
  headers: Record<string, string>;
  /** The still open socket (after a 101), or a closed one. */
  socket: Socket;
  /** Resolves when the server has closed its side. */
  ended: Promise<void>;
}

export function websocketUpgradeRequest(path: string, host: string, protocol = 'mqtt'): string {
  return [
    `GET ${path} HTTP/1.1`,
    `Host: ${host}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
    `Sec-WebSocket-Protocol: ${protocol}`,
    '',
    '',
  ].join('\r\n');
}

/** Writes `request` to 127.0.0.1:port and resolves once the response head has arrived. */
export function rawRequest(port: number, request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const ended = new Promise<void>((resolveEnded) => socket.once('close', () => resolveEnded()));
    let received = '';
    const onData = (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      const [statusLine = '', ...headerLines] = received.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      socket.resume();
      resolve({ statusLine, headers, socket, ended });
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('connect', () => socket.write(request));
  });
}
