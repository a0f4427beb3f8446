import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { listen } from '@gateway/service-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { closeGracefully } from './sockets.js';

/** A connected pair on loopback: `local` is the side closed gracefully, `peer` the other end. */
async function socketPair(peerOptions: { allowHalfOpen?: boolean } = {}): Promise<{ server: Server; local: Socket; peer: Socket }> {
  const server = createServer(peerOptions);
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const port = await listen(server, 0, '127.0.0.1');
  const local = connect(port, '127.0.0.1');
  local.on('error', () => undefined);
  await once(local, 'connect');
  const [peer] = await accepted;
  peer.on('error', () => undefined);
  return { server, local, peer };
}

function readAll(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return once(socket, 'end').then(() => Buffer.concat(chunks));
}

describe('closeGracefully', () => {
  const servers: Server[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) server.close();
  });

  it('keeps the bytes written before the FIN for a peer that stops reading for longer than the grace period, then closes', async () => {
    const { server, local, peer } = await socketPair();
    servers.push(server);
    peer.pause();
    // More than loopback's kernel buffers hold, so most of it waits in the socket's own buffer.
    const data = randomBytes(32 * 1024 * 1024);
    local.write(data);
    expect(local.writableLength).toBeGreaterThan(0);
    const closed = once(local, 'close');
    closeGracefully(local, 50, 10_000);
    await sleep(500);
    expect(local.destroyed).toBe(false);
    const received = readAll(peer);
    peer.resume();
    expect((await received).equals(data)).toBe(true);
    await closed;
  });

  it('destroys the socket when the peer reads nothing until the flush timeout', async () => {
    const { server, local, peer } = await socketPair();
    servers.push(server);
    peer.pause();
    local.write(randomBytes(32 * 1024 * 1024));
    const started = Date.now();
    closeGracefully(local, 50, 300);
    await once(local, 'close');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    peer.destroy();
  });

  it('destroys a socket whose written bytes all went out but whose peer keeps its side open past the grace period', async () => {
    const { server, local, peer } = await socketPair({ allowHalfOpen: true });
    servers.push(server);
    const received = readAll(peer);
    local.write('last words');
    const started = Date.now();
    closeGracefully(local, 200, 10_000);
    expect((await received).toString()).toBe('last words');
    await once(local, 'close');
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(Date.now() - started).toBeLessThan(5_000);
    peer.destroy();
  });
});
