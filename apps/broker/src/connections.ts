// Hands each accepted network connection to aedes and keeps what the gateway needs about it: which
// listener and remote address it came from, its byte counts, and a packet-size guard on its stream.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Client } from 'aedes';
import type { Logger } from '@gateway/service-kit';
import type { GatewayAedes } from './gateway-aedes.js';
import { PacketSizeGuard } from './packet-size-guard.js';

export const listenerNames = ['tcp', 'websocket'] as const;
export type ListenerName = (typeof listenerNames)[number];

export interface ConnectionInfo {
  listener: ListenerName;
  remoteAddress: string;
}

interface TrackedSocket {
  listener: ListenerName;
  socket: Socket;
  readSeen: number;
  writtenSeen: number;
}

type ByteTotals = Record<ListenerName, number>;
const zeroTotals = (): ByteTotals => ({ tcp: 0, websocket: 0 });

export interface ConnectionsOptions {
  aedes: GatewayAedes;
  maxPacketSize: number;
  logger: Logger;
  onOversizedPacket?: (listener: ListenerName) => void;
}

export class Connections {
  readonly #info = new WeakMap<object, ConnectionInfo>();
  readonly #sockets = new Set<TrackedSocket>();
  readonly #unreportedRead = zeroTotals();
  readonly #unreportedWritten = zeroTotals();

  constructor(private readonly options: ConnectionsOptions) {}

  /** Starts serving MQTT on `stream` (the socket itself for TCP, a WebSocket stream otherwise). */
  accept(listener: ListenerName, stream: Duplex, socket: Socket, request?: IncomingMessage): void {
    const info: ConnectionInfo = { listener, remoteAddress: formatAddress(socket) };
    this.#info.set(stream, info);
    const tracked: TrackedSocket = { listener, socket, readSeen: 0, writtenSeen: 0 };
    this.#sockets.add(tracked);
    socket.once('close', () => {
      this.#fold(tracked);
      this.#sockets.delete(tracked);
    });
    this.options.logger.debug({ listener, remoteAddress: info.remoteAddress }, 'connection opened');

    this.options.aedes.handle(stream, request);
    // Added after aedes' 'readable' listener, so the stream stays paused; 'data' then fires for each
    // chunk aedes reads, before aedes parses it.
    const guard = new PacketSizeGuard(this.options.maxPacketSize);
    const onData = (chunk: Buffer) => {
      const verdict = guard.check(chunk);
      if (verdict.ok) return;
      stream.off('data', onData);
      const clientId = (stream as Duplex & { client?: Client }).client?.id ?? undefined;
      const fields = { listener, remoteAddress: info.remoteAddress, clientId, ...verdict };
      if (verdict.reason === 'oversized') {
        this.options.logger.warn(fields, 'packet larger than the maximum packet size: closing the connection');
        this.options.onOversizedPacket?.(listener);
      } else {
        this.options.logger.warn(fields, 'malformed packet length: closing the connection');
      }
      stream.destroy();
    };
    stream.on('data', onData);
  }

  /** Listener and remote address of an aedes client's connection. */
  describe(client: Client): ConnectionInfo | undefined {
    return this.#info.get(client.conn);
  }

  /** Log fields naming a client: its id, listener and remote address. */
  logFields(client: Client): { clientId: string | undefined } & Partial<ConnectionInfo> {
    const id: unknown = client.id; // null until CONNECT is accepted, whatever the type declarations say
    return { clientId: typeof id === 'string' ? id : undefined, ...this.describe(client) };
  }

  /** Bytes read from the network since the last call, per listener (counted by node on each socket). */
  takeBytesRead(): ByteTotals {
    for (const tracked of this.#sockets) this.#fold(tracked);
    return take(this.#unreportedRead);
  }

  /** Bytes written to the network since the last call, per listener. */
  takeBytesWritten(): ByteTotals {
    for (const tracked of this.#sockets) this.#fold(tracked);
    return take(this.#unreportedWritten);
  }

  /** Destroys every connection still open (those aedes has not closed, such as ones that never sent CONNECT). */
  destroyAll(): void {
    for (const tracked of this.#sockets) tracked.socket.destroy();
  }

  #fold(tracked: TrackedSocket): void {
    const { bytesRead, bytesWritten } = tracked.socket;
    this.#unreportedRead[tracked.listener] += bytesRead - tracked.readSeen;
    this.#unreportedWritten[tracked.listener] += bytesWritten - tracked.writtenSeen;
    tracked.readSeen = bytesRead;
    tracked.writtenSeen = bytesWritten;
  }
}

function take(totals: ByteTotals): ByteTotals {
  const copy = { ...totals };
  for (const name of listenerNames) totals[name] = 0;
  return copy;
}

function formatAddress(socket: Socket): string {
  const address = socket.remoteAddress ?? 'unknown';
  return address.includes(':') ? `[${address}]:${String(socket.remotePort)}` : `${address}:${String(socket.remotePort)}`;
}
