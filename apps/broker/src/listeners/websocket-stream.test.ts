import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { writeToStream } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createMqttWebSocketStream } from './websocket-stream.js';

/** A WebSocket server whose first connection is wrapped by createMqttWebSocketStream, and a client that keeps every message it gets. */
async function connectedPair() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const accepted = once(server, 'connection') as Promise<[WebSocket]>;
  const client = new WebSocket(`ws://127.0.0.1:${String((server.address() as AddressInfo).port)}`);
  const messages: Buffer[] = [];
  client.on('message', (data: Buffer, isBinary: boolean) => {
    expect(isBinary).toBe(true);
    messages.push(data);
  });
  await once(client, 'open');
  const [ws] = await accepted;
  const stream = createMqttWebSocketStream(ws);
  return {
    stream,
    client,
    messages,
    async received(bytes: number) {
      const deadline = Date.now() + 10_000;
      while (messages.reduce((sum, message) => sum + message.length, 0) < bytes && Date.now() < deadline) await nextTurn();
      return Buffer.concat(messages);
    },
    async [Symbol.asyncDispose]() {
      client.terminate();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('createMqttWebSocketStream', () => {
  it('sends the chunks written while the stream is corked as one binary message', async () => {
    await using pair = await connectedPair();
    pair.stream.cork();
    for (const id of [1, 2, 3]) {
      writeToStream({ cmd: 'publish', topic: 'a/b', payload: Buffer.from(`message ${String(id)}`), qos: 1, messageId: id, dup: false, retain: false }, pair.stream);
    }
    pair.stream.write('and a string', 'utf8');
    const expected = pair.stream.writableLength;
    pair.stream.uncork();
    const bytes = await pair.received(expected);
    expect(pair.messages).toHaveLength(1);
    expect(bytes.length).toBe(expected);
    expect(bytes.toString('latin1')).toContain('message 3and a string');
  });

  it('sends a write made while the stream is not corked as its own message, and keeps the order', async () => {
    await using pair = await connectedPair();
    pair.stream.write(Buffer.from('first'));
    pair.stream.cork();
    pair.stream.write(Buffer.from('-second'));
    pair.stream.write(Buffer.from('-third'));
    pair.stream.uncork();
    const bytes = await pair.received(18);
    expect(bytes.toString()).toBe('first-second-third');
    expect(pair.messages.map(String)).toEqual(['first', '-second-third']);
  });

  it('ends when the client closes, closes once ended, and terminates the WebSocket when destroyed', async () => {
    await using pair = await connectedPair();
    const received: Buffer[] = [];
    pair.stream.on('data', (chunk: Buffer) => received.push(chunk));
    pair.client.send(Buffer.from('hello'));
    const ended = once(pair.stream, 'end');
    const closed = once(pair.stream, 'close');
    pair.client.close();
    await ended;
    pair.stream.end();
    await closed;
    expect(Buffer.concat(received).toString()).toBe('hello');

    await using other = await connectedPair();
    const clientClosed = once(other.client, 'close');
    const otherClosed = once(other.stream, 'close');
    other.stream.destroy();
    await otherClosed;
    await clientClosed;
    expect(other.stream.destroyed).toBe(true);
  });
});
