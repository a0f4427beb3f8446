import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type Server } from 'node:net';
import { freePort } from '@gateway/service-kit/testing';
import { close, listen } from '@gateway/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectAbortedError, UpstreamPool, UpstreamUnavailableError } from './upstream-pool.js';

describe('UpstreamPool', () => {
  const servers: Server[] = [];
  const ports: number[] = [];
  let deadPort = 0;

  beforeAll(async () => {
    for (let index = 0; index < 2; index++) {
      const server = createServer((socket) => {
        socket.on('error', () => undefined);
        socket.end(`upstream ${String(index)}`);
      });
      servers.push(server);
      ports.push(await listen(server, 0, '127.0.0.1'));
    }
    deadPort = await freePort();
  });
  afterAll(() => Promise.all(servers.map((server) => close(server))));

  it('takes the upstreams in turn', async () => {
    const pool = new UpstreamPool({ upstreams: ports.map((port) => ({ host: '127.0.0.1', port })), connectTimeoutMs: 2000, retries: 0, retryDelayMs: 0 });
    const names: string[] = [];
    for (let index = 0; index < 3; index++) {
      const { socket, upstream } = await pool.connect();
      socket.destroy();
      names.push(upstream);
    }
    expect(names).toEqual([`127.0.0.1:${String(ports[0])}`, `127.0.0.1:${String(ports[1])}`, `127.0.0.1:${String(ports[0])}`]);
  });

  it('retries on the next upstream when one refuses', async () => {
    const failures: string[] = [];
    const pool = new UpstreamPool({
      upstreams: [
        { host: '127.0.0.1', port: deadPort },
        { host: '127.0.0.1', port: ports[1]! },
      ],
      connectTimeoutMs: 2000,
      retries: 1,
      retryDelayMs: 10,
      onConnectFailure: (upstream) => failures.push(upstream),
    });
    const { socket, upstream } = await pool.connect();
    socket.destroy();
    expect(upstream).toBe(`127.0.0.1:${String(ports[1])}`);
    expect(failures).toEqual([`127.0.0.1:${String(deadPort)}`]);
  });

  it('gives up after the retries with the reason of the last attempt', async () => {
    const failures: string[] = [];
    const pool = new UpstreamPool({
      upstreams: [{ host: '127.0.0.1', port: deadPort }],
      connectTimeoutMs: 2000,
      retries: 2,
      retryDelayMs: 10,
      onConnectFailure: (upstream) => failures.push(upstream),
    });
    const error = await pool.connect().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect((error as UpstreamUnavailableError).message).toBe(`connect ECONNREFUSED 127.0.0.1:${String(deadPort)}`);
    expect((error as UpstreamUnavailableError).attempts).toHaveLength(3);
    expect(failures).toHaveLength(3);
  });

  it('stops trying when the signal aborts', async () => {
    const pool = new UpstreamPool({ upstreams: [{ host: '127.0.0.1', port: deadPort }], connectTimeoutMs: 2000, retries: 5, retryDelayMs: 5000 });
    const abort = new AbortController();
    const attempt = pool.connect(abort.signal);
    setTimeout(() => abort.abort(), 50);
    await expect(attempt).rejects.toBeInstanceOf(ConnectAbortedError);
  });

  it('gives up on an upstream that does not answer after the connect timeout', async () => {
    // A listening socket that never accepts, with a backlog of 0: once one connection waits in its queue,
    // the kernel drops further SYNs, so a connect neither succeeds nor fails.
    const listener = spawn('/usr/bin/python3', ['-c', 'import socket, time\ns = socket.socket()\ns.bind(("127.0.0.1", 0))\ns.listen(0)\nprint(s.getsockname()[1], flush=True)\ntime.sleep(30)']);
    try {
      const [output] = (await once(listener.stdout, 'data')) as [Buffer];
      const port = Number(output.toString('utf8').trim());
      const filler = connect(port, '127.0.0.1');
      await once(filler, 'connect');
      const pool = new UpstreamPool({ upstreams: [{ host: '127.0.0.1', port }], connectTimeoutMs: 200, retries: 1, retryDelayMs: 0 });
      const started = Date.now();
      await expect(pool.connect()).rejects.toThrow(`connect timeout after 200 ms to 127.0.0.1:${String(port)}`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(380);
      filler.destroy();
    } finally {
      listener.kill();
    }
  });
});
