// The duplex stream aedes reads and writes a WebSocket connection through: ws' createWebSocketStream, which
// sends each chunk written to it as its own WebSocket message, plus a _writev that sends the chunks buffered
// on the stream (while it is corked, or while an earlier message is being written) as one binary message.
// This is what makes a turn's worth of packets (write-batching.ts), or a packet written in pieces, one frame
// and one socket write; MQTT over WebSocket lets packets share frames.
import type { Duplex } from 'node:stream';
import { createWebSocketStream, type WebSocket } from 'ws';

export function createMqttWebSocketStream(ws: WebSocket): Duplex {
  const stream = createWebSocketStream(ws);
  stream._writev = (chunks, callback) => {
    const buffers = chunks.map(({ chunk, encoding }) => (typeof chunk === 'string' ? Buffer.from(chunk, encoding) : (chunk as Uint8Array)));
    // ws' own _write: it waits for a connecting socket to open, then sends the message.
    stream._write(buffers.length === 1 ? buffers[0] : Buffer.concat(buffers), 'binary', callback);
  };
  return stream;
}
