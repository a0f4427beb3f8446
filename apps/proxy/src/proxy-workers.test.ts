import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, metricValue, startServiceProcess, waitFor, type ServiceProcess } from '@gateway/service-kit/testing';
import { createServer } from 'node:net';
import { listen } from '@gateway/service-kit';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyNodeFlags } from './node-flags.js';
import { connectClient, connectionClosed, nextMessage } from './testing/mqtt-clients.js';
import { startTestUpstream, type TestUpstream } from './testing/test-upstream.js';

const mainEntry = fileURLToPath(new URL('./main.ts', import.meta.url));

/** The pids of `pid`'s child processes (the workers), from /proc. */
function childPids(pid: number): number[] {
  const text = readFileSync(`/proc/${String(pid)}/task/${String(pid)}/children`, 'utf8').trim();
  return text === '' ? [] : text.split(/\s+/).map(Number);
}

/** Sockets a process holds open, counted from /proc/<pid>/fd. */
function openSockets(pid: number): number {
  let count = 0;
  for (const fd of readdirSync(`/proc/${String(pid)}/fd`)) {
    try {
      if (readlinkSync(`/proc/${String(pid)}/fd/${fd}`).startsWith('socket:')) count += 1;
    } catch {
      // closed since the directory was read
    }
  }
  return count;
}

describe('PROXY_WORKERS=2 (the proxy as a primary and two workers)', () => {
  let broker: TestUpstream;
  let proxy: ServiceProcess;
  let dataDir: string;
  let tcpPort: number;
  let adminUrl: string;
  const clients: MqttClient[] = [];
  /** Clients proxied by each worker (by pid), as counted by the first test. */
  const clientsPerWorker = new Map<number, number>();

  beforeAll(async () => {
    broker = await startTestUpstream();
    dataDir = await mkdtemp(join(tmpdir(), 'proxy-workers-'));
    tcpPort = await freePort();
    const adminPort = await freePort();
    adminUrl = `http://127.0.0.1:${String(adminPort)}`;
    proxy = startServiceProcess('proxy', mainEntry, {
      nodeArgs: ['--import', 'tsx', '--conditions=@gateway/source'],
      env: {
        PROXY_WORKERS: '2',
        PROXY_HOST: '127.0.0.1',
        PROXY_TCP_PORT: String(tcpPort),
        PROXY_WS_PORT: '0',
        PROXY_TLS_PORT: '0',
        PROXY_WSS_PORT: '0',
        PROXY_ADMIN_PORT: String(adminPort),
        PROXY_DATA_DIR: dataDir,
        PROXY_TCP_UPSTREAMS: broker.tcpAddress,
        PROXY_WS_UPSTREAMS: broker.wsAddress,
      },
    });
    await proxy.waitForLog('proxy ready', 30_000);
  }, 40_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    if (proxy.isRunning()) await proxy.stop('SIGKILL');
    await broker.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('spreads connections over both workers, carries messages, and adds up the workers’ metrics', async () => {
    const workers = childPids(proxy.pid);
    expect(workers).toHaveLength(2);
    // Started without the proxy's Node.js flags, the primary still gives them to its workers.
    for (const pid of workers) expect(readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8').split('\0')).toEqual(expect.arrayContaining([...proxyNodeFlags]));
    const socketsBefore = workers.map(openSockets);
    for (let index = 0; index < 8; index++) clients.push(await connectClient(`mqtt://127.0.0.1:${String(tcpPort)}`));
    // Each proxied connection holds two sockets (client and upstream) in the worker that took it.
    const added = workers.map((pid, index) => openSockets(pid) - (socketsBefore[index] ?? 0));
    expect(added.reduce((sum, count) => sum + count, 0)).toBe(16);
    for (const [index, count] of added.entries()) {
      expect(count).toBeGreaterThanOrEqual(4);
      clientsPerWorker.set(workers[index] as number, count / 2);
    }

    const [subscriber, ...publishers] = clients as [MqttClient, ...MqttClient[]];
    await subscriber.subscribeAsync('workers/#', { qos: 1 });
    for (const [index, publisher] of publishers.entries()) {
      const received = nextMessage(subscriber, `workers/${String(index)}`);
      await publisher.publishAsync(`workers/${String(index)}`, `from ${String(index)}`, { qos: 1 });
      expect(await received).toBe(`from ${String(index)}`);
    }

    const metrics = await (await fetch(`${adminUrl}/metrics`)).text();
    expect(metricValue(metrics, 'gateway_proxy_connections_active', 'listener="tcp"')).toBe(8);
    expect(metricValue(metrics, 'gateway_proxy_connections_total', 'listener="tcp"')).toBe(8);
    expect(await (await fetch(`${adminUrl}/readyz`)).json()).toEqual({ status: 'ready', checks: { workers: true } });
  });

  it('replaces a worker that dies: its clients are closed, the others keep going, readiness comes back', async () => {
    const [victim, survivor] = childPids(proxy.pid) as [number, number];
    let closed = 0;
    for (const client of clients) void connectionClosed(client).then(() => (closed += 1));
    process.kill(victim, 'SIGKILL');
    const log = await proxy.waitForLog('proxy worker exited: starting a new one');
    expect(log).toMatchObject({ pid: victim, signal: 'SIGKILL' });
    // Exactly the victim's clients lose their connection; the survivor's keep theirs.
    const victimClients = clientsPerWorker.get(victim) ?? 0;
    await waitFor(() => closed === victimClients, { what: `the victim's ${String(victimClients)} clients closed` });
    await waitFor(async () => (await fetch(`${adminUrl}/readyz`)).status === 200, { what: 'ready again', timeoutMs: 20_000 });
    const workers = childPids(proxy.pid);
    expect(workers).toHaveLength(2);
    expect(workers).toContain(survivor);
    expect(workers).not.toContain(victim);
    expect(closed).toBe(victimClients);
    const fresh = await connectClient(`mqtt://127.0.0.1:${String(tcpPort)}`);
    clients.push(fresh);
    await fresh.subscribeAsync('workers/again');
    const received = nextMessage(fresh, 'workers/again');
    await fresh.publishAsync('workers/again', 'still here');
    expect(await received).toBe('still here');
  });

  it('stops the workers and exits 0 on SIGTERM', async () => {
    const workers = childPids(proxy.pid);
    expect(await proxy.stop('SIGTERM')).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe('PROXY_WORKERS=2 start-up failure', () => {
  it('exits 1 and says why when the workers cannot listen', async () => {
    const taken = createServer();
    const port = await listen(taken, 0, '127.0.0.1');
    const dataDir = await mkdtemp(join(tmpdir(), 'proxy-workers-'));
    try {
      const proxy = startServiceProcess('proxy', mainEntry, {
        nodeArgs: ['--import', 'tsx', '--conditions=@gateway/source'],
        env: { PROXY_WORKERS: '2', PROXY_HOST: '127.0.0.1', PROXY_TCP_PORT: String(port), PROXY_WS_PORT: '0', PROXY_TLS: 'false', PROXY_ADMIN_PORT: '0', PROXY_DATA_DIR: dataDir },
      });
      expect(await proxy.exited).toBe(1);
      const output = proxy.recentLines().join('\n');
      expect(output).toContain(`tcp listener: cannot listen on 127.0.0.1:${String(port)}`);
      expect(output).toMatch(/proxy worker \d+ exited during start-up/);
    } finally {
      taken.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
