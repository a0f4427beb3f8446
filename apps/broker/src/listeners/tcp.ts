// The raw MQTT-over-TCP listener (default port 1883).
import { createServer } from 'node:net';
import { close, listen } from '@gateway/service-kit';
import type { Connections } from '../connections.js';

export interface StartedListener {
  port: number;
  /** Stops accepting connections at once; resolves once the open ones have closed too. */
  close(): Promise<void>;
}

export async function startTcpListener(options: { host: string; port: number; connections: Connections }): Promise<StartedListener> {
  const server = createServer((socket) => options.connections.accept('tcp', socket, socket));
  let port: number;
  try {
    port = await listen(server, options.port, options.host);
  } catch (error) {
    throw new Error(`tcp listener: cannot listen on ${options.host}:${String(options.port)}: ${(error as Error).message}`, { cause: error });
  }
  return { port, close: () => close(server) };
}
