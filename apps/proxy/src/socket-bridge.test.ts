import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { listen } from '@gateway/service-kit';
import { metricValue, waitFor } from '@gateway/service-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProxy, type TestProxy } from './testing/test-proxy.js';

/** A raw TCP upstream whose behaviour each test picks: the next accepted socket goes to `nextHandler`. */
interface RawUpstream {
  server: Server;
  address: string;
  accepted: () => Promise<Socket>;
}

async function startRawUpstream(): Promise<RawUpstream> {
  const waiting: ((socket: Socket) => void)[] = [];
  const queued: Socket[] = [];
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    const taker = waiting.shift();
    if (taker) taker(socket);
    else queued.push(socket);
  });
  const port = await listen(server, 0, '127.0.0.1');
  return {
    server,
    address: `127.0.0.1:${String(port)}`,
    accepted: () => {
      const socket = queued.shift();
      return socket ? Promise.resolve(socket) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

async function openClient(proxy: TestProxy): Promise<Socket> {
  const socket = connect(proxy.tcpPort, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  return socket;
}

/** Writes `data` in pieces of random sizes (1 B to 64 KiB), respecting backpressure, then optionally ends. */
async function writeInPieces(socket: Socket, data: Buffer, end: boolean): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const size = Math.min(data.length - offset, 1 + Math.floor(Math.random() ** 3 * 65536));
    if (!socket.write(data.subarray(offset, offset + size))) await once(socket, 'drain');
    offset += size;
  }
  if (end) socket.end();
}

/** Collects everything until 'end' (or until `length` bytes); reads slowly (paused 20 ms every ~256 KiB) when `slow`. */
function collect(socket: Socket, slow = false, length = Infinity): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let sinceSleep = 0;
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    sinceSleep += chunk.length;
    if (slow && sinceSleep > 256 * 1024) {
      sinceSleep = 0;
      socket.pause();
      setTimeout(() => socket.resume(), 20);
    }
  });
  if (length === Infinity) return once(socket, 'end').then(() => Buffer.concat(chunks));
  return new Promise((resolve) => {
    let total = 0;
    socket.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total >= length) resolve(Buffer.concat(chunks));
    });
  });
}

const digest = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('socket bridge: bytes, order, backpressure and closing', () => {
  let upstream: RawUpstream;
  let proxy: TestProxy;

  beforeAll(async () => {
    upstream = await startRawUpstream();
    proxy = await startTestProxy({ tcpUpstreams: upstream.address, wsUpstreams: upstream.address });
  });
  afterAll(async () => {
    await proxy.close();
    upstream.server.close();
  });

  it('forwards 8 MiB each way at once, in order and intact, with slow readers on both ends, and counts the bytes', async () => {
    const up = randomBytes(8 * 1024 * 1024);
    const down = randomBytes(8 * 1024 * 1024);
    const client = await openClient(proxy);
    const server = await upstream.accepted();
    // No FIN until both have everything: a FIN from either side closes the pair (no half-close, as before).
    const atServer = collect(server, true, up.length);
    const atClient = collect(client, true, down.length);
    await Promise.all([writeInPieces(client, up, false), writeInPieces(server, down, false)]);
    expect(digest(await atServer)).toBe(digest(up));
    expect(digest(await atClient)).toBe(digest(down));
    client.end();
    await Promise.all([once(server, 'close'), once(client, 'close')]);
    const metrics = await proxy.metrics();
    expect(metricValue(metrics, 'gateway_proxy_bytes_client_to_upstream_total', 'listener="tcp"')).toBeGreaterThanOrEqual(up.length);
    expect(metricValue(metrics, 'gateway_proxy_bytes_upstream_to_client_total', 'listener="tcp"')).toBeGreaterThanOrEqual(down.length);
  });

  it('stops reading from an upstream whose client does not read (bounded buffering), and delivers everything once it does', async () => {
    const client = await openClient(proxy);
    client.pause();
    const server = await upstream.accepted();
    const piece = randomBytes(64 * 1024);
    let offered = 0;
    const sent: Buffer[] = [];
    // Write until the upstream's own socket is backed up for a while: the proxy must have stopped reading.
    const deadline = Date.now() + 1500;
    while (Date.now() < deadline) {
      sent.push(piece);
      offered += piece.length;
      if (!server.write(piece)) await Promise.race([once(server, 'drain'), sleep(200)]);
    }
    const accepted = offered - server.writableLength;
    // Kernel socket buffers on loopback (a few MiB on each of the 2 connections) plus the proxy's stream buffers.
    expect(accepted).toBeLessThan(32 * 1024 * 1024);
    expect(server.writableLength).toBeGreaterThan(0);
    const all = Buffer.concat(sent);
    const received = collect(client);
    client.resume();
    server.end();
    expect(digest(await received)).toBe(digest(all));
  });

  it.each(['client', 'upstream'] as const)('passes a %s FIN on after the data before it to a slow reader, and closes both sides', async (sender) => {
    const client = await openClient(proxy);
    const server = await upstream.accepted();
    const [from, to] = sender === 'client' ? [client, server] : [server, client];
    const data = randomBytes(1024 * 1024);
    // Listened for from the start: the sender may be closed before the (slow) receiver has read everything.
    const closed = Promise.all([once(server, 'close'), once(client, 'close')]);
    const atReceiver = collect(to, true);
    from.resume();
    await writeInPieces(from, data, true);
    expect(digest(await atReceiver)).toBe(digest(data));
    await closed;
  });

  it('closes the client when the upstream resets, and the upstream when the client resets, with none left open', async () => {
    const first = await openClient(proxy);
    const firstServer = await upstream.accepted();
    first.write('hello');
    await once(firstServer, 'data');
    firstServer.resetAndDestroy();
    await once(first, 'close');

    const second = await openClient(proxy);
    const secondServer = await upstream.accepted();
    secondServer.resume();
    second.write('hello');
    await sleep(50);
    second.resetAndDestroy();
    await once(secondServer, 'close');
    await waitFor(async () => metricValue(await proxy.metrics(), 'gateway_proxy_connections_active', 'listener="tcp"') === 0, { what: 'no connection left open' });
  });
});
