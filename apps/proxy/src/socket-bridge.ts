// Joins a client socket to its upstream socket: bytes are piped both ways untouched (counted, never
// copied or parsed), and when either side ends, closes or fails, both are closed cleanly.
import type { Socket } from 'node:net';
import type { Logger } from '@gateway/service-kit';
import type { ListenerName, ProxyMetrics } from './metrics.js';
import { closeGracefully, tuneSocket } from './sockets.js';

export interface BridgeOptions {
  listener: ListenerName;
  client: Socket;
  upstream: Socket;
  /** "host:port" of the upstream, for logs. */
  upstreamName: string;
  /** Closes both sides after this long without traffic either way; 0 = never. */
  idleTimeoutMs: number;
  metrics: ProxyMetrics;
  logger: Logger;
  /** Log fields that identify the client connection (listener, remote address). */
  logFields: Record<string, unknown>;
}

export function bridgeSockets(options: BridgeOptions): void {
  const { listener, client, upstream, metrics, logger } = options;
  const fields = { ...options.logFields, upstream: options.upstreamName };
  // Traffic either way passes through the client socket, so its timeout measures idleness of the pair.
  tuneSocket(client, options.idleTimeoutMs);
  tuneSocket(upstream, 0);

  let fromClient = 0;
  let fromUpstream = 0;
  client.on('data', (chunk: Buffer) => {
    fromClient += chunk.length;
    metrics.bytesFromClient(listener, chunk.length);
  });
  upstream.on('data', (chunk: Buffer) => {
    fromUpstream += chunk.length;
    metrics.bytesFromUpstream(listener, chunk.length);
  });

  let closing = false;
  const closeBoth = (reason: string, error?: Error & { code?: string }) => {
    if (closing) return;
    closing = true;
    logger.debug({ ...fields, reason, code: error?.code, err: error?.message, bytesFromClient: fromClient, bytesFromUpstream: fromUpstream }, 'proxied connection closing');
    closeGracefully(client);
    closeGracefully(upstream);
  };

  client.on('error', (error) => closeBoth('client error', error));
  upstream.on('error', (error) => closeBoth('upstream error', error));
  // pipe() forwards each side's end as the other side's end once the data before it is written.
  client.once('end', () => closeBoth('client ended'));
  upstream.once('end', () => closeBoth('upstream ended'));
  client.once('close', () => closeBoth('client closed'));
  upstream.once('close', () => closeBoth('upstream closed'));
  client.on('timeout', () => {
    logger.info({ ...fields, idleTimeoutMs: options.idleTimeoutMs }, 'proxied connection idle too long: closing');
    closeBoth('idle timeout');
  });

  client.pipe(upstream);
  upstream.pipe(client);
  logger.debug(fields, 'proxied connection open');
}
