// Hands each accepted network connection to aedes and keeps what the gateway needs about it: which
// listener and (source) address it came from, its byte counts, a connection slot (or the refusal to give
// it one, answered at CONNECT), a packet-size guard on its stream and its outbound in-flight window.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Client } from 'aedes';
import type { Logger } from '@gateway/service-kit';
import type { ConnectionSlots, SlotVerdict } from './connection-slots.js';
import type { GatewayAedes } from './gateway-aedes.js';
import { OutboundInflight } from './inflight-window.js';
import type { LimitReporter } from './limit-reporter.js';
import { PacketSizeGuard } from './packet-size-guard.js';
import { formatPeer, type Peer } from './peer.js';
import { batchWritesPerTurn } from './write-batching.js';

export const listenerNames = ['tcp', 'websocket'] as const;
export type ListenerName = (typeof listenerNames)[number];

export interface ConnectionInfo {
  listener: ListenerName;
  /** The client, `address:port` (the address alone when a proxy forwarded no port). */
  remoteAddress: string;
  /** The client's IP address, which the per-address limits count this connection against. */
  sourceAddress: string;
  /** The proxy that relayed the connection, `address:port`, when one did. */
  via?: string;
  /** The CN of the client certificate the proxy verified, when there was one. */
  certificateCn?: string;
}

/** Why a connection got no slot; it is refused with CONNACK 3 when its CONNECT arrives. */
export type SlotRefusal = Extract<SlotVerdict, { ok: false }>;

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
  /** Most QoS 1/2 messages written to a client and not yet acknowledged before it is disconnected. */
  maxInflight: number;
  /** How long a client over `maxInflight` may go without acknowledging anything before it is disconnected. */
  inflightTimeoutMs: number;
  /** Most bytes waiting to be written to one client before it is disconnected as a slow consumer. */
  maxOutboundBuffer: number;
  slots: ConnectionSlots;
  limits: LimitReporter;
  logger: Logger;
}

export class Connections {
  readonly #info = new WeakMap<object, ConnectionInfo>();
  readonly #refusals = new WeakMap<object, SlotRefusal>();
  readonly #sockets = new Set<TrackedSocket>();
  readonly #unreportedRead = zeroTotals();
  readonly #unreportedWritten = zeroTotals();

  constructor(private readonly options: ConnectionsOptions) {}

  /**
   * Starts serving MQTT on `stream` (the socket itself for TCP, a WebSocket stream otherwise) for `peer`,
   * the client as the listener established it (see peer.ts).
   */
  accept(listener: ListenerName, stream: Duplex, socket: Socket, peer: Peer, request?: IncomingMessage): void {
    const sourceAddress = peer.address;
    const info: ConnectionInfo = { listener, remoteAddress: formatPeer(peer.address, peer.port), sourceAddress };
    if (peer.via !== undefined) info.via = peer.via;
    if (peer.certificateCn !== undefined) info.certificateCn = peer.certificateCn;
    this.#info.set(stream, info);
    const tracked: TrackedSocket = { listener, socket, readSeen: 0, writtenSeen: 0 };
    this.#sockets.add(tracked);
    const slot = this.options.slots.acquire(sourceAddress);
    if (!slot.ok) this.#refusals.set(stream, slot);
    socket.once('close', () => {
      this.#fold(tracked);
      this.#sockets.delete(tracked);
      if (slot.ok) slot.release();
    });
    this.options.logger.debug({ ...info, admitted: slot.ok }, 'connection opened');

    this.options.aedes.handle(stream, request);
    const inflight = new OutboundInflight(this.options.maxInflight, this.options.inflightTimeoutMs);
    this.#guardInbound(stream, info, inflight);
    this.#watchOutbound(stream, info, inflight);
  }

  /** Listener and remote address of an aedes client's connection. */
  describe(client: Client): ConnectionInfo | undefined {
    return this.#info.get(client.conn);
  }

  /** The connection-slot limit a client's connection was over when it was accepted, if any. */
  refusalOf(client: Client): SlotRefusal | undefined {
    return this.#refusals.get(client.conn);
  }

  /** Log fields naming a client: its id, listener and remote address. */
  logFields(client: Client): { clientId: string | undefined } & Partial<ConnectionInfo> {
    return { clientId: clientIdOf(client.conn), ...this.describe(client) };
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

  /** Checks each packet's size as aedes reads it, and counts the acknowledgements the client sends. */
  #guardInbound(stream: Duplex, info: ConnectionInfo, inflight: OutboundInflight): void {
    // Added after aedes' 'readable' listener, so the stream stays paused; 'data' then fires for each
    // chunk aedes reads, before aedes parses it.
    const guard = new PacketSizeGuard(this.options.maxPacketSize, (firstByte) => inflight.received(firstByte));
    const onData = (chunk: Buffer) => {
      const verdict = guard.check(chunk);
      if (verdict.ok) return;
      stream.off('data', onData);
      const clientId = clientIdOf(stream);
      if (verdict.reason === 'oversized') {
        const { packetSize, maxPacketSize } = verdict;
        this.options.limits.report({ limit: 'packet_size', ...info, clientId, details: { packetSize, maxPacketSize } }, 'packet larger than the maximum packet size, closing the connection');
      } else {
        this.options.logger.warn({ ...info, clientId, ...verdict }, 'malformed packet length: closing the connection');
      }
      stream.destroy();
    };
    stream.on('data', onData);
  }

  /**
   * Follows the packets aedes writes to the client (one `write` per packet, patches/aedes@1.2.0.patch),
   * sends each event-loop turn's writes as one batch (write-batching.ts), and closes the connection once too
   * many QoS 1/2 PUBLISHes are unacknowledged (inflight-window.ts) or too many bytes wait to be written.
   */
  #watchOutbound(stream: Duplex, info: ConnectionInfo, inflight: OutboundInflight): void {
    let closing = false;
    const close = (limit: 'inflight_outbound' | 'slow_consumer', details: Record<string, unknown>, action: string) => {
      closing = true;
      this.options.limits.report({ limit, ...info, clientId: clientIdOf(stream), details }, action);
      // After the packet being written, so the stream is not destroyed half-way through a write.
      setImmediate(() => stream.destroy());
    };
    const reader = new PacketSizeGuard(Number.MAX_SAFE_INTEGER, (firstByte) => {
      if (closing || !inflight.sent(firstByte)) return;
      close('inflight_outbound', { unacknowledged: inflight.unacknowledged, maxInflight: inflight.max, silentMs: Math.round(inflight.stalledMs) }, 'client is not acknowledging QoS 1/2 messages, closing the connection');
    });
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    const holdUntilNextTurn = batchWritesPerTurn(stream);
    const observed = (chunk: unknown, ...rest: unknown[]): boolean => {
      if (!closing) reader.check(typeof chunk === 'string' ? Buffer.from(chunk, typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : 'utf8') : (chunk as Uint8Array));
      holdUntilNextTurn();
      write(chunk, ...rest);
      if (!closing && stream.writableLength > this.options.maxOutboundBuffer) {
        close('slow_consumer', { bufferedBytes: stream.writableLength, maxOutboundBuffer: this.options.maxOutboundBuffer }, 'client is not reading what it is sent, closing the connection');
      }
      // Never "full": aedes would hold every delivery on this topic until this one client drains (its
      // drainTimeout is 60 s), stalling all the others. The buffer is bounded by the check above instead,
      // and a persistent session gets its QoS 1/2 messages again when the client reconnects.
      return true;
    };
    stream.write = observed as Duplex['write'];
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

/** The client id aedes gave the connection's client, once its CONNECT was accepted. */
function clientIdOf(stream: object): string | undefined {
  // aedes sets `conn.client`; the id is null until CONNECT is accepted, whatever the type declarations say.
  const id: unknown = (stream as { client?: Client }).client?.id;
  return typeof id === 'string' ? id : undefined;
}
