// The duplex stream aedes reads and writes a WebSocket connection through: ws' createWebSocketStream
// (ws/lib/stream.js, same behaviour) rewritten as a class whose methods and WebSocket listeners are shared by
// all connections instead of a dozen closures and `once` wrappers made for each (about 2 KiB per idle
// connection), plus a _writev that sends the chunks buffered on the stream (while it is corked, or while an
// earlier message is being written) as one binary message. This is what makes a turn's worth of packets
// (write-batching.ts), or a packet written in pieces, one frame and one socket write; MQTT over WebSocket
// lets packets share frames.
import { Duplex } from 'node:stream';
import { WebSocket } from 'ws';

const kStream = Symbol('gateway.websocketStream');
type Tagged = WebSocket & { [kStream]?: MqttWebSocketStream };

class MqttWebSocketStream extends Duplex {
  readonly ws: WebSocket;
  /** False once the WebSocket failed: it is closing itself, destroying the stream must not terminate it. */
  terminateOnDestroy = true;

  constructor(ws: WebSocket) {
    super({ autoDestroy: false, emitClose: false, objectMode: false, writableObjectMode: false });
    this.ws = ws;
    (ws as Tagged)[kStream] = this;
    ws.on('message', wsOnMessage);
    ws.on('error', wsOnError);
    ws.on('close', wsOnClose);
    this.on('end', duplexOnEnd);
    this.on('error', duplexOnError);
  }

  override _read(): void {
    if (this.ws.isPaused) this.ws.resume();
  }

  override _write(chunk: Uint8Array, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const ws = this.ws;
    if (ws.readyState === WebSocket.CONNECTING) {
      ws.once('open', () => this._write(chunk, _encoding, callback));
      return;
    }
    ws.send(chunk, callback);
  }

  override _writev(chunks: { chunk: unknown; encoding: BufferEncoding }[], callback: (error?: Error | null) => void): void {
    const buffers = chunks.map(({ chunk, encoding }) => (typeof chunk === 'string' ? Buffer.from(chunk, encoding) : (chunk as Uint8Array)));
    this._write(buffers.length === 1 ? (buffers[0] as Uint8Array) : Buffer.concat(buffers), 'binary', callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    const ws = this.ws;
    if (ws.readyState === WebSocket.CONNECTING) {
      ws.once('open', () => this._final(callback));
      return;
    }
    const socket = (ws as unknown as { _socket: Duplex | null })._socket;
    if (socket === null) return;
    if (socket.writableFinished) {
      callback();
      if (this.readableEnded) this.destroy();
    } else {
      socket.once('finish', () => callback());
      ws.close();
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const ws = this.ws;
    if (ws.readyState === WebSocket.CLOSED) {
      callback(error);
      process.nextTick(emitClose, this);
      return;
    }
    let called = false;
    ws.once('error', (wsError: Error) => {
      called = true;
      callback(wsError);
    });
    ws.once('close', () => {
      if (!called) callback(error);
      process.nextTick(emitClose, this);
    });
    if (this.terminateOnDestroy) ws.terminate();
  }
}

function wsOnMessage(this: Tagged, message: Buffer): void {
  const stream = this[kStream];
  if (stream && !stream.push(message)) this.pause();
}

function wsOnError(this: Tagged, error: Error): void {
  this.off('error', wsOnError);
  const stream = this[kStream];
  if (!stream || stream.destroyed) return;
  stream.terminateOnDestroy = false;
  stream.destroy(error);
}

function wsOnClose(this: Tagged): void {
  this.off('close', wsOnClose);
  const stream = this[kStream];
  if (!stream || stream.destroyed) return;
  stream.push(null);
}

function emitClose(stream: Duplex): void {
  stream.emit('close');
}

function duplexOnEnd(this: Duplex): void {
  if (!this.destroyed && this.writableFinished) this.destroy();
}

function duplexOnError(this: Duplex, error: Error): void {
  this.off('error', duplexOnError);
  this.destroy();
  if (this.listenerCount('error') === 0) this.emit('error', error);
}

export function createMqttWebSocketStream(ws: WebSocket): Duplex {
  return new MqttWebSocketStream(ws);
}

/** The stream createMqttWebSocketStream made for `ws`, if any. */
export function webSocketStreamOf(ws: WebSocket): Duplex | undefined {
  return (ws as Tagged)[kStream];
}
