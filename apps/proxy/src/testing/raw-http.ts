// Test helper: sends an HTTP request on a raw TCP (or TLS) socket and reads the response head, for checking
// the exact status line and headers of a WebSocket upgrade (as a browser would see them).
import { connect, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';

export interface RawResponse {
  statusLine: string;
  headers: Record<string, string>;
  /** The still open socket (after a 101), or a closed one. */
  socket: Socket;
  /** Resolves when the server has closed its side. */
  ended: Promise<void>;
  /** Everything after the response head, once the connection has closed. */
  body: Promise<string>;
}

/** A WebSocket upgrade request; `extraHeaders` are "Name: value" lines (an Origin, spoofed X-Forwarded-For...). */
export function websocketUpgradeRequest(path: string, host: string, protocol = 'mqtt', extraHeaders: readonly string[] = []): string {
  return [
    `GET ${path} HTTP/1.1`,
    `Host: ${host}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
    `Sec-WebSocket-Protocol: ${protocol}`,
    ...extraHeaders,
    '',
    '',
  ].join('\r\n');
}

/** Writes `request` to 127.0.0.1:port (over TLS when `tls` is given) and resolves once the response head has arrived. */
export function rawRequest(port: number, request: string, tls?: ConnectionOptions): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = tls === undefined ? connect(port, '127.0.0.1') : connectTls({ host: '127.0.0.1', port, ...tls });
    const ended = new Promise<void>((resolveEnded) => socket.once('close', () => resolveEnded()));
    let received = '';
    const onData = (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      let body = received.slice(end + 4);
      socket.on('data', (more: Buffer) => (body += more.toString('latin1')));
      const bodyDone = ended.then(() => Buffer.from(body, 'latin1').toString('utf8'));
      const [statusLine = '', ...headerLines] = received.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      socket.resume();
      resolve({ statusLine, headers, socket, ended, body: bodyDone });
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once(tls === undefined ? 'connect' : 'secureConnect', () => socket.write(request));
  });
}
