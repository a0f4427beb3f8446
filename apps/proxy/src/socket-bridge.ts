// Joins a client socket to its upstream socket: each chunk read on one side is written to the other
// untouched (counted, never copied or parsed), a side whose peer cannot keep up is paused until the peer
// drains, and when either side ends, closes or fails, both are closed cleanly.
//
// Cheap per connection and per chunk, as a proxy must be: one ProxiedConnection object holds the state,
// and the event listeners are shared module-level functions that find it through the socket (no closures,
// once() wrappers or pipe() bookkeeping per connection); a chunk costs one write() and a number added up.
import type { Socket } from 'node:net';
import type { Logger } from '@gateway/service-kit';
import type { ListenerName, ProxyMetrics } from './metrics.js';
import type { OpenConnections } from './open-connections.js';
import { closeGracefully, remoteAddress, tuneSocket } from './sockets.js';

/** What every connection of one listener shares. */
export interface BridgeContext {
  listener: ListenerName;
  /** Closes both sides after this long without traffic from either; 0 = never. */
  idleTimeoutMs: number;
  metrics: ProxyMetrics;
  logger: Logger;
  connections: OpenConnections;
}

const connectionOf = Symbol('proxied connection');
type BridgedSocket = Socket & { [connectionOf]?: ProxiedConnection };

/** One client connection, from accept to close: its upstream once connected, and how it is closing. */
export class ProxiedConnection {
  upstream: Socket | undefined = undefined;
  /** "host:port" of the upstream, for logs. */
  upstreamName = '';
  /** Aborts the upstream connect under way when the client leaves; dropped once it is done. */
  abort: AbortController | undefined = new AbortController();
  private closing = false;

  constructor(
    readonly client: Socket,
    readonly context: BridgeContext,
    /** Further log fields (the WebSocket request's URL, a client certificate's CN). */
    private readonly extraLogFields: Record<string, unknown> | undefined,
  ) {
    (client as BridgedSocket)[connectionOf] = this;
    context.metrics.connectionOpened(context.listener);
    context.connections.add(client);
    client.on('error', onClientError);
    client.on('close', onClientClose);
  }

  /** Log fields that identify the connection (listener, remote address, ...). */
  logFields(): Record<string, unknown> {
    return { listener: this.context.listener, remote: remoteAddress(this.client), ...this.extraLogFields };
  }

  /** Starts forwarding both ways between the (paused) client and its connected upstream. */
  bridge(upstream: Socket, upstreamName: string): void {
    this.upstream = upstream;
    this.upstreamName = upstreamName;
    this.abort = undefined;
    const { client, context } = this;
    (upstream as BridgedSocket)[connectionOf] = this;
    tuneSocket(upstream, 0);
    // Traffic either way passes through the client socket, so its timeout measures idleness of the pair.
    if (context.idleTimeoutMs > 0) {
      client.setTimeout(context.idleTimeoutMs);
      client.on('timeout', onClientTimeout);
    }
    upstream.on('data', onUpstreamData);
    upstream.on('drain', onUpstreamDrain);
    upstream.on('end', onUpstreamEnd);
    upstream.on('error', onUpstreamError);
    upstream.on('close', onUpstreamClose);
    client.on('data', onClientData);
    client.on('drain', onClientDrain);
    client.on('end', onClientEnd);
    client.resume();
    upstream.resume();
    if (context.logger.isLevelEnabled('debug')) context.logger.debug({ ...this.logFields(), upstream: upstreamName }, 'proxied connection open');
  }

  /** Ends both sides (each after the bytes already written to it), then destroys what has not closed after the grace period. */
  closeBoth(reason: string, error?: Error & { code?: string }): void {
    if (this.closing) return;
    this.closing = true;
    const { client, upstream, context } = this;
    if (context.logger.isLevelEnabled('debug')) {
      context.logger.debug(
        {
          ...this.logFields(),
          upstream: this.upstreamName,
          reason,
          code: error?.code,
          err: error?.message,
          bytesFromClient: client.bytesRead,
          bytesFromUpstream: upstream?.bytesRead ?? 0,
        },
        'proxied connection closing',
      );
    }
    closeGracefully(client);
    if (upstream) closeGracefully(upstream);
  }
}

function connection(socket: Socket): ProxiedConnection {
  return (socket as BridgedSocket)[connectionOf] as ProxiedConnection;
}

// The listeners, shared by every connection: `this` is the socket that emitted the event.

function onClientData(this: Socket, chunk: Buffer): void {
  const proxied = connection(this);
  proxied.context.metrics.bytesFromClient(proxied.context.listener, chunk.length);
  const upstream = proxied.upstream as Socket;
  // Once closing, the upstream has been ended: what the client still sends is drained and dropped.
  if (!upstream.writable) return;
  if (!upstream.write(chunk)) this.pause();
}

function onUpstreamData(this: Socket, chunk: Buffer): void {
  const proxied = connection(this);
  proxied.context.metrics.bytesFromUpstream(proxied.context.listener, chunk.length);
  const client = proxied.client;
  if (!client.writable) return;
  if (!client.write(chunk)) this.pause();
}

/** The upstream took what it was given: read from the client again (unless closing resumed it to drain). */
function onUpstreamDrain(this: Socket): void {
  connection(this).client.resume();
}

function onClientDrain(this: Socket): void {
  connection(this).upstream?.resume();
}

function onClientEnd(this: Socket): void {
  connection(this).closeBoth('client ended');
}

function onUpstreamEnd(this: Socket): void {
  connection(this).closeBoth('upstream ended');
}

function onClientError(this: Socket, error: Error & { code?: string }): void {
  const proxied = connection(this);
  if (proxied.upstream === undefined) {
    // Until the bridge takes over, a failing client socket only needs a debug line (and must not crash us).
    const { logger } = proxied.context;
    if (logger.isLevelEnabled('debug')) logger.debug({ ...proxied.logFields(), code: error.code, err: error.message }, 'client socket error before the upstream connected');
    return;
  }
  proxied.closeBoth('client error', error);
}

function onUpstreamError(this: Socket, error: Error & { code?: string }): void {
  connection(this).closeBoth('upstream error', error);
}

function onClientClose(this: Socket): void {
  const proxied = connection(this);
  const { context } = proxied;
  context.metrics.connectionClosed(context.listener);
  context.connections.delete(this);
  proxied.abort?.abort();
  if (proxied.upstream) proxied.closeBoth('client closed');
}

function onUpstreamClose(this: Socket): void {
  connection(this).closeBoth('upstream closed');
}

function onClientTimeout(this: Socket): void {
  const proxied = connection(this);
  proxied.context.logger.info({ ...proxied.logFields(), upstream: proxied.upstreamName, idleTimeoutMs: proxied.context.idleTimeoutMs }, 'proxied connection idle too long: closing');
  proxied.closeBoth('idle timeout');
}
