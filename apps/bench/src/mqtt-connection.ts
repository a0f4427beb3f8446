// One MQTT 3.1.1 connection for the load generator, over raw TCP (mqtt://) or WebSocket (ws://): CONNECT
// and SUBSCRIBE are encoded with mqtt-packet, replies parsed with its parser. Callers write pre-encoded
// packets straight to the connection and listen for parsed packets, with nothing in between.
import { connect as connectTcp, createConnection, type NetConnectOpts, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { generate, parser as createParser, type Packet, type Parser } from 'mqtt-packet';
import { createWebSocketStream, WebSocket } from 'ws';

export interface MqttConnection {
  /** The byte stream of MQTT packets (the socket itself over TCP; over WebSocket, one frame per write). */
  readonly stream: Duplex;
  /** The TCP socket under the stream: 'drain' tells a writer held back by writePacket that it may go on. */
  readonly socket: Socket;
  /**
   * Writes one pre-encoded packet, calling `onWritten` once it has gone to the socket; false when the socket's
   * buffer is full (wait for the socket's 'drain'). Over WebSocket the packet is a frame of its own, as MQTT
   * clients send them, written straight to the WebSocket rather than through `stream`, whose writes wait for
   * each other's completion and so could never share a socket write.
   */
  writePacket(packet: Buffer, onWritten: () => void): boolean;
  /** Holds the socket's writes until uncork(), which sends the packets (or frames) written meanwhile in one go. */
  cork(): void;
  uncork(): void;
  /** Emits 'packet' for every packet after the CONNACK. */
  readonly parser: Parser;
  /** Resolves when the stream has closed (for any reason); the error, if one closed it. */
  readonly closed: Promise<Error | undefined>;
  /** Closes at once, without DISCONNECT. */
  destroy(): void;
}

export interface ConnectOptions {
  clientId: string;
  timeoutMs?: number;
}

/** Opens the transport named by the URL's scheme and completes the MQTT handshake (clean session, no keepalive). */
export async function openMqttConnection(url: string, options: ConnectOptions): Promise<MqttConnection> {
  const { clientId, timeoutMs = 10_000 } = options;
  const { stream, socket, writePacket } = await openStream(url, timeoutMs);
  const parser = createParser({ protocolVersion: 4 });
  let closeError: Error | undefined;
  stream.on('error', (error) => (closeError ??= error));
  const closed = new Promise<Error | undefined>((resolve) => stream.once('close', () => resolve(closeError)));
  stream.on('data', (chunk: Buffer) => parser.parse(chunk));
  parser.on('error', (error: Error) => stream.destroy(new Error(`${url}: cannot parse what the broker sent: ${error.message}`)));
  const connection: MqttConnection = {
    stream,
    socket,
    parser,
    closed,
    destroy: () => stream.destroy(),
    writePacket,
    cork: () => socket.cork(),
    uncork: () => socket.uncork(),
  };
  try {
    const connack = nextPacket(connection, 'connack', timeoutMs, `${url}: CONNACK for ${clientId}`);
    stream.write(generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId, keepalive: 0 }));
    const reply = await connack;
    if (reply.cmd === 'connack' && reply.returnCode !== 0) throw new Error(`${url}: broker refused ${clientId} with CONNACK return code ${String(reply.returnCode)}`);
  } catch (error) {
    stream.destroy();
    throw error;
  }
  return connection;
}

/** Subscribes to `filter` and waits for a SUBACK granting it. */
export async function subscribe(connection: MqttConnection, filter: string, qos: 0 | 1, timeoutMs = 10_000): Promise<void> {
  const suback = nextPacket(connection, 'suback', timeoutMs, `SUBACK for ${filter}`);
  connection.stream.write(generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: filter, qos }] }));
  const reply = await suback;
  const granted = reply.cmd === 'suback' ? reply.granted[0] : undefined;
  if (typeof granted !== 'number' || granted === 0x80) throw new Error(`the broker refused the subscription to ${filter} (granted ${JSON.stringify(granted)})`);
}

function nextPacket(connection: MqttConnection, cmd: Packet['cmd'], timeoutMs: number, what: string): Promise<Packet> {
  return new Promise<Packet>((resolve, reject) => {
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      connection.parser.off('packet', onPacket);
      settle();
    };
    const onPacket = (packet: Packet) => {
      if (packet.cmd === cmd) finish(() => resolve(packet));
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${String(timeoutMs)} ms waiting for ${what}`))), timeoutMs);
    connection.parser.on('packet', onPacket);
    void connection.closed.then((error) => finish(() => reject(new Error(`connection closed while waiting for ${what}${error ? `: ${error.message}` : ''}`))));
  });
}

interface Transport {
  stream: Duplex;
  socket: Socket;
  writePacket: MqttConnection['writePacket'];
}

function openStream(url: string, timeoutMs: number): Promise<Transport> {
  const parsed = new URL(url);
  if (parsed.protocol === 'mqtt:' || parsed.protocol === 'tcp:') {
    return new Promise((resolve, reject) => {
      const socket = connectTcp({ host: parsed.hostname, port: Number(parsed.port || 1883), noDelay: true, timeout: timeoutMs });
      socket.once('connect', () => {
        socket.setTimeout(0);
        socket.off('error', reject);
        resolve({ stream: socket, socket, writePacket: (packet, onWritten) => socket.write(packet, onWritten) });
      });
      socket.once('timeout', () => socket.destroy(new Error(`${url}: no TCP connection after ${String(timeoutMs)} ms`)));
      socket.once('error', (error) => reject(new Error(`${url}: ${error.message}`, { cause: error })));
    });
  }
  if (parsed.protocol === 'ws:') {
    return new Promise((resolve, reject) => {
      let socket: Socket | undefined;
      const ws = new WebSocket(url, ['mqtt'], {
        perMessageDeflate: false,
        handshakeTimeout: timeoutMs,
        // The socket ws connects through, kept for cork()/uncork() and 'drain'. Node's HTTP client calls this with
        // the request's options (ws' own default also resets their `path`, which the client has cleared already).
        createConnection: ((options: NetConnectOpts) => (socket = createConnection(options))) as typeof createConnection,
      });
      ws.once('open', () => {
        ws.off('error', onError);
        const opened = socket;
        if (opened === undefined) {
          reject(new Error(`${url}: the WebSocket opened on a socket the load generator did not make`));
          return;
        }
        const writePacket = (packet: Buffer, onWritten: () => void) => {
          ws.send(packet, { binary: true }, onWritten);
          return !opened.writableNeedDrain;
        };
        resolve({ stream: createWebSocketStream(ws), socket: opened, writePacket });
      });
      const onError = (error: Error) => reject(new Error(`${url}: ${error.message}`, { cause: error }));
      ws.once('error', onError);
    });
  }
  return Promise.reject(new Error(`unsupported target ${url}: expected mqtt:// or ws://`));
}
