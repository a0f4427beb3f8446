// Hands each accepted network connection to aedes and keeps what the gateway needs about it: which
// listener and (source) address it came from, its byte counts, a connection slot (or the refusal to give
// it one, answered at CONNECT), a packet-size guard on its stream and its outbound in-flight window.
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
import { holdUntilNextTurn, turnBatch, type TurnBatch } from './write-batching.js';

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

/** A count per listener (bytes, messages). */
export type PerListener = Record<ListenerName, number>;

export function zeroPerListener(): PerListener {
  return { tcp: 0, websocket: 0 };
}

/** Returns a copy of `counts` and sets them back to zero. */
export function takePerListener(counts: PerListener): PerListener {
  const copy = { ...counts };
  for (const name of listenerNames) counts[name] = 0;
  return copy;
}

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

// Memory: a broker holds thousands of mostly idle connections, so each one's state is one Connection object
// (what describe() shows in its public fields, the rest private so that log spreads leave it out), found
// from its stream and socket by a symbol; the listeners, the write wrapper and the size guards' callbacks
// are functions shared by all connections rather than closures made for each.
const kConnection = Symbol('gateway.connection');
type Tagged = { [kConnection]?: Connection };

/** A size guard that knows its connection, so that one shared function serves as every guard's callback. */
class ConnectionGuard extends PacketSizeGuard {
  constructor(
    maxPacketSize: number,
    onPacket: (this: PacketSizeGuard, firstByte: number) => void,
    readonly connection: Connection,
  ) {
    super(maxPacketSize, onPacket);
  }
}

class Connection implements ConnectionInfo {
  readonly listener: ListenerName;
  readonly remoteAddress: string;
  readonly sourceAddress: string;
  declare readonly via?: string;
  declare readonly certificateCn?: string;
  readonly #registry: Registry;
  readonly #stream: Duplex;
  readonly #socket: Socket;
  readonly #refusal: SlotRefusal | undefined;
  #holdsSlot: boolean;
  readonly #inbound: ConnectionGuard;
  readonly #outbound: ConnectionGuard;
  readonly #inflight: OutboundInflight;
  #closing = false;
  readonly #batch: TurnBatch;
  #readSeen = 0;
  #writtenSeen = 0;
  #write: Duplex['write'];

  constructor(registry: Registry, listener: ListenerName, stream: Duplex, socket: Socket, peer: Peer) {
    this.listener = listener;
    this.remoteAddress = formatPeer(peer.address, peer.port);
    this.sourceAddress = peer.address;
    if (peer.via !== undefined) (this as { via?: string }).via = peer.via;
    if (peer.certificateCn !== undefined) (this as { certificateCn?: string }).certificateCn = peer.certificateCn;
    const options = registry.options;
    this.#registry = registry;
    this.#stream = stream;
    this.#socket = socket;
    const slot = options.slots.acquire(peer.address);
    this.#refusal = slot.ok ? undefined : slot;
    this.#holdsSlot = slot.ok;
    this.#inflight = new OutboundInflight(options.maxInflight, options.inflightTimeoutMs);
    this.#inbound = new ConnectionGuard(options.maxPacketSize, packetReceived, this);
    this.#outbound = new ConnectionGuard(Number.MAX_SAFE_INTEGER, packetSent, this);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- always invoked with .call(stream)
    this.#write = stream.write;
    this.#batch = turnBatch(stream);
    (stream as Tagged)[kConnection] = this;
    (socket as Tagged)[kConnection] = this;
  }

  get refusal(): SlotRefusal | undefined {
    return this.#refusal;
  }

  /** Starts following the stream (after aedes' 'readable' listener, so it stays paused: 'data' then fires for each chunk aedes reads, before aedes parses it). */
  watch(): void {
    this.#socket.on('close', onSocketClose);
    this.#stream.on('data', onStreamData);
    this.#stream.write = observedWrite as Duplex['write'];
  }

  /** The socket closed: counts its last bytes, gives back its slot. */
  closed(): void {
    this.fold();
    this.#registry.open.delete(this);
    if (this.#holdsSlot) {
      this.#holdsSlot = false;
      this.#registry.options.slots.release(this.sourceAddress);
    }
  }

  /** Adds the bytes counted on the socket since the last call to the unreported totals. */
  fold(): void {
    const totals = this.#registry.unreported;
    const { bytesRead, bytesWritten } = this.#socket;
    totals.read[this.listener] += bytesRead - this.#readSeen;
    totals.written[this.listener] += bytesWritten - this.#writtenSeen;
    this.#readSeen = bytesRead;
    this.#writtenSeen = bytesWritten;
  }

  destroy(): void {
    this.#socket.destroy();
  }

  /** Checks each packet's size as aedes reads it (and counts the acknowledgements through the guard's callback). */
  received(chunk: Buffer): void {
    const verdict = this.#inbound.check(chunk);
    if (verdict.ok) return;
    const stream = this.#stream;
    stream.off('data', onStreamData);
    const clientId = clientIdOf(stream);
    if (verdict.reason === 'oversized') {
      const { packetSize, maxPacketSize } = verdict;
      this.#registry.options.limits.report({ limit: 'packet_size', ...(this as ConnectionInfo), clientId, details: { packetSize, maxPacketSize } }, 'packet larger than the maximum packet size, closing the connection');
    } else {
      this.#registry.options.logger.warn({ ...(this as ConnectionInfo), clientId, ...verdict }, 'malformed packet length: closing the connection');
    }
    stream.destroy();
  }

  acknowledged(firstByte: number): void {
    this.#inflight.received(firstByte);
  }

  sent(firstByte: number): void {
    const inflight = this.#inflight;
    if (this.#closing || !inflight.sent(firstByte)) return;
    this.#close('inflight_outbound', { unacknowledged: inflight.unacknowledged, maxInflight: inflight.max, silentMs: Math.round(inflight.stalledMs) }, 'client is not acknowledging QoS 1/2 messages, closing the connection');
  }

  /**
   * Follows the packets aedes writes to the client (one `write` per packet, patches/aedes@1.2.0.patch),
   * sends each event-loop turn's writes as one batch (write-batching.ts), and closes the connection once too
   * many QoS 1/2 messages go unacknowledged or too many bytes wait to be written.
   */
  write(chunk: unknown, rest: unknown[]): boolean {
    const stream = this.#stream;
    if (!this.#closing) this.#outbound.check(typeof chunk === 'string' ? Buffer.from(chunk, typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : 'utf8') : (chunk as Uint8Array));
    holdUntilNextTurn(this.#batch);
    (this.#write as (chunk: unknown, ...rest: unknown[]) => boolean).call(stream, chunk, ...rest);
    const maxOutboundBuffer = this.#registry.options.maxOutboundBuffer;
    if (!this.#closing && stream.writableLength > maxOutboundBuffer) {
      this.#close('slow_consumer', { bufferedBytes: stream.writableLength, maxOutboundBuffer }, 'client is not reading what it is sent, closing the connection');
    }
    // Never "full": aedes would hold every delivery on this topic until this one client drains (its
    // drainTimeout is 60 s), stalling all the others. The buffer is bounded by the check above instead,
    // and a persistent session gets its QoS 1/2 messages again when the client reconnects.
    return true;
  }

  #close(limit: 'inflight_outbound' | 'slow_consumer', details: Record<string, unknown>, action: string): void {
    this.#closing = true;
    const stream = this.#stream;
    this.#registry.options.limits.report({ limit, ...(this as ConnectionInfo), clientId: clientIdOf(stream), details }, action);
    // After the packet being written, so the stream is not destroyed half-way through a write.
    setImmediate(() => stream.destroy());
  }
}

function packetReceived(this: PacketSizeGuard, firstByte: number): void {
  if (this instanceof ConnectionGuard) this.connection.acknowledged(firstByte);
}

function packetSent(this: PacketSizeGuard, firstByte: number): void {
  if (this instanceof ConnectionGuard) this.connection.sent(firstByte);
}

function onStreamData(this: Duplex, chunk: Buffer): void {
  (this as Tagged)[kConnection]?.received(chunk);
}

function observedWrite(this: Duplex, chunk: unknown, ...rest: unknown[]): boolean {
  const connection = (this as Tagged)[kConnection];
  return connection ? connection.write(chunk, rest) : true;
}

function onSocketClose(this: Socket): void {
  (this as Tagged)[kConnection]?.closed();
}

/** What the connections of one Connections share. */
interface Registry {
  options: ConnectionsOptions;
  /** Open connections, whose byte counts are read. */
  open: Set<Connection>;
  /** Bytes not yet taken by takeBytesRead/takeBytesWritten. */
  unreported: { read: PerListener; written: PerListener };
}

export class Connections {
  readonly #registry: Registry;

  constructor(private readonly options: ConnectionsOptions) {
    this.#registry = { options, open: new Set(), unreported: { read: zeroPerListener(), written: zeroPerListener() } };
  }

  /**
   * Starts serving MQTT on `stream` (the socket itself for TCP, a WebSocket stream otherwise) for `peer`,
   * the client as the listener established it (see peer.ts).
   */
  accept(listener: ListenerName, stream: Duplex, socket: Socket, peer: Peer): void {
    const connection = new Connection(this.#registry, listener, stream, socket, peer);
    this.#registry.open.add(connection);
    if (this.options.logger.isLevelEnabled('debug')) this.options.logger.debug({ ...(connection as ConnectionInfo), admitted: connection.refusal === undefined }, 'connection opened');
    this.options.aedes.handle(stream);
    connection.watch();
  }

  /** Listener and remote address of an aedes client's connection. */
  describe(client: Client): ConnectionInfo | undefined {
    return this.describeStream(client.conn);
  }

  /** Listener and remote address of the connection served on `stream`, once accepted. */
  describeStream(stream: Duplex): ConnectionInfo | undefined {
    return (stream as Tagged)[kConnection];
  }

  /** The connection-slot limit a client's connection was over when it was accepted, if any. */
  refusalOf(client: Client): SlotRefusal | undefined {
    return (client.conn as Tagged)[kConnection]?.refusal;
  }

  /** Log fields naming a client: its id, listener and remote address. */
  logFields(client: Client): { clientId: string | undefined } & Partial<ConnectionInfo> {
    return { clientId: clientIdOf(client.conn), ...this.describe(client) };
  }

  /** Bytes read from the network since the last call, per listener (counted by node on each socket). */
  takeBytesRead(): PerListener {
    for (const connection of this.#registry.open) connection.fold();
    return takePerListener(this.#registry.unreported.read);
  }

  /** Bytes written to the network since the last call, per listener. */
  takeBytesWritten(): PerListener {
    for (const connection of this.#registry.open) connection.fold();
    return takePerListener(this.#registry.unreported.written);
  }

  /** Destroys every connection still open (those aedes has not closed, such as ones that never sent CONNECT). */
  destroyAll(): void {
    for (const connection of this.#registry.open) connection.destroy();
  }
}

/** The client id aedes gave the connection's client, once its CONNECT was accepted. */
function clientIdOf(stream: object): string | undefined {
  // aedes sets `conn.client`; the id is null until CONNECT is accepted, whatever the type declarations say.
  const id: unknown = (stream as { client?: Client }).client?.id;
  return typeof id === 'string' ? id : undefined;
}
