// Test fixture: a plain TCP server standing in for the broker, which decodes the PROXY protocol v2 header
// at the start of each connection (when there is one) and keeps the bytes that follow it.
import { createServer, type Socket } from 'node:net';
import { decodeProxyHeaderV2, PROXY_V2_SIGNATURE, type ProxyHeader } from '@gateway/proxy-protocol';
import { close, listen } from '@gateway/service-kit';
import { waitFor } from '@gateway/service-kit/testing';

export interface CapturedConnection {
  /** The decoded header; undefined when the connection did not start with the v2 signature. */
  header: ProxyHeader | undefined;
  /** Every byte after the header (all of them without one). */
  bytes(): Buffer;
  socket: Socket;
}

export interface HeaderCapture {
  port: number;
  /** "127.0.0.1:<port>", as PROXY_TCP_UPSTREAMS expects. */
  address: string;
  connections: CapturedConnection[];
  /** Waits for the n-th connection (0-based) to have sent at least `minBytes` after its header. */
  connection(index: number, minBytes?: number): Promise<CapturedConnection>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startHeaderCapture(): Promise<HeaderCapture> {
  const connections: CapturedConnection[] = [];
  const pending: Socket[] = [];
  const server = createServer((socket) => {
    pending.push(socket);
    let buffered = Buffer.alloc(0);
    let captured: CapturedConnection | undefined;
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (captured) return;
      const signatureBytes = Math.min(buffered.length, PROXY_V2_SIGNATURE.length);
      if (!buffered.subarray(0, signatureBytes).equals(PROXY_V2_SIGNATURE.subarray(0, signatureBytes))) {
        captured = { header: undefined, bytes: () => buffered, socket };
      } else {
        const result = decodeProxyHeaderV2(buffered);
        if (result.status === 'incomplete') return;
        const headerLength = result.header.length;
        captured = { header: result.header, bytes: () => buffered.subarray(headerLength), socket };
      }
      connections.push(captured);
    });
  });
  const port = await listen(server, 0, '127.0.0.1');
  const closeCapture = async () => {
    for (const socket of pending) socket.destroy();
    await close(server);
  };
  return {
    port,
    address: `127.0.0.1:${String(port)}`,
    connections,
    connection: (index, minBytes = 0) =>
      waitFor(
        () => {
          const found = connections[index];
          return found !== undefined && found.bytes().length >= minBytes ? found : undefined;
        },
        { timeoutMs: 10_000, what: `upstream connection ${String(index)}` },
      ),
    close: closeCapture,
    [Symbol.asyncDispose]: closeCapture,
  };
}

/** Resolves when `socket` closes, with the error it failed with, if any. */
export async function socketOutcome(socket: Socket): Promise<Error | undefined> {
  let failure: Error | undefined;
  socket.on('error', (error) => (failure = error));
  // Not events.once(): that rejects on 'error', which is an outcome here.
  await new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return failure;
}
