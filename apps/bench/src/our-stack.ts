// Our gateway as the system under test: the built broker (apps/broker/dist) and proxy (apps/proxy/dist)
// started as child processes on OS-chosen loopback ports with memory persistence, and the connection
// limits raised (every benchmark connection comes from 127.0.0.1). Targets: "ours-proxy" and "ours-direct",
// and "ours-nginx" (NGINX in front of the same broker) when asked for.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withProxyNodeFlags } from '@gateway/proxy/node-flags';
import { startServiceProcess, type ServiceProcess } from '@gateway/service-kit/testing';
import { startNginxProxy, type StartedNginxProxy } from './nginx-proxy.js';
import type { Target } from './targets.js';

/** apps/broker/dist/main.js and apps/proxy/dist/main.js: this file lives in apps/bench/src or apps/bench/dist. */
export const brokerEntry = fileURLToPath(new URL('../../broker/dist/main.js', import.meta.url));
export const proxyEntry = fileURLToPath(new URL('../../proxy/dist/main.js', import.meta.url));

export interface OurStackOptions {
  /** Write a V8 CPU profile of each service into this directory (node --cpu-prof) when it stops. */
  cpuProfileDir?: string;
  /** PROXY_WORKERS (1 by default); the proxy's pids then include its workers (memory and CPU are read per process tree). */
  proxyWorkers?: number;
  /** Also start NGINX (this many workers) in front of the broker: the "ours-nginx" target. */
  nginxWorkers?: number;
}

export interface StartedOurStack {
  broker: ServiceProcess;
  proxy: ServiceProcess;
  /** Through the proxy (what clients use), straight to the broker, and through NGINX when asked for. */
  targets: { proxy: Target; direct: Target; nginx?: Target };
  close(): Promise<void>;
}

/** Settings that keep the broker's protective limits out of a benchmark's way. */
export const benchmarkBrokerEnv = {
  BROKER_MAX_CONNECTIONS: '1000000',
  BROKER_MAX_CONNECTIONS_PER_ADDRESS: '1000000',
  BROKER_CONNECT_RATE_LIMIT: '1000000',
  BROKER_CONNECT_QUEUE_LIMIT: '1000',
  // Deliveries waiting for a slow subscriber's PUBACK are not a misbehaving client here (Mosquitto's
  // reference config lifts its queue limit the same way).
  BROKER_MAX_INFLIGHT: '1000000',
};

export async function startOurStack(options: OurStackOptions = {}): Promise<StartedOurStack> {
  for (const [name, entry] of [
    ['broker', brokerEntry],
    ['proxy', proxyEntry],
  ] as const) {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: build the ${name} first (pnpm --filter @gateway/${name} build)`);
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'gateway-bench-'));
  const nodeArgs = options.cpuProfileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir];
  const started: ServiceProcess[] = [];
  let nginx: StartedNginxProxy | undefined;
  const close = async () => {
    // The proxies first, so the broker sees its clients leave as they would in production.
    await nginx?.close();
    for (const service of [...started].reverse()) await service.stop('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const broker = startServiceProcess('broker', brokerEntry, {
      nodeArgs: options.cpuProfileDir === undefined ? [] : [...nodeArgs, '--cpu-prof-name', 'broker.cpuprofile'],
      keptLines: 50,
      env: {
        BROKER_HOST: '127.0.0.1',
        BROKER_TCP_PORT: '0',
        BROKER_WS_PORT: '0',
        BROKER_ADMIN_PORT: '0',
        BROKER_PERSISTENCE: 'memory',
        BROKER_DATA_DIR: dataDir,
        ...benchmarkBrokerEnv,
      },
    });
    started.push(broker);
    const brokerReady = await broker.waitForLog('broker ready', 30_000);
    const brokerTcp = String(brokerReady['mqtt']);
    const brokerWs = `${String(brokerReady['websocket'])}/mqtt`;
    const upstream = (url: string) => new URL(url).host;
    const proxy = startServiceProcess('proxy', proxyEntry, {
      // With the proxy's Node.js flags, as `pnpm start` and the Docker image run it.
      nodeArgs: withProxyNodeFlags(options.cpuProfileDir === undefined ? [] : [...nodeArgs, '--cpu-prof-name', 'proxy.cpuprofile']),
      keptLines: 50,
      env: {
        PROXY_HOST: '127.0.0.1',
        PROXY_TCP_PORT: '0',
        PROXY_WS_PORT: '0',
        PROXY_ADMIN_PORT: '0',
        PROXY_TLS: 'false',
        PROXY_DATA_DIR: join(dataDir, 'proxy'),
        PROXY_TCP_UPSTREAMS: upstream(brokerTcp),
        PROXY_WS_UPSTREAMS: upstream(brokerWs),
        PROXY_WORKERS: String(options.proxyWorkers ?? 1),
      },
    });
    started.push(proxy);
    const proxyReady = await proxy.waitForLog('proxy ready', 30_000);
    const loopback = (url: string) => url.replace('//localhost:', '//127.0.0.1:');
    if (options.nginxWorkers !== undefined) {
      const port = (url: string) => Number(new URL(url).port);
      nginx = await startNginxProxy({ brokerTcpPort: port(brokerTcp), brokerWsPort: port(brokerWs), workers: options.nginxWorkers });
    }
    return {
      broker,
      proxy,
      targets: {
        proxy: {
          name: 'ours-proxy',
          urls: { tcp: loopback(String(proxyReady['mqtt'])), ws: loopback(String(proxyReady['websocket'])) },
          brokerPids: [broker.pid],
          proxyPids: [proxy.pid],
        },
        direct: { name: 'ours-direct', urls: { tcp: brokerTcp, ws: brokerWs }, brokerPids: [broker.pid], proxyPids: [] },
        ...(nginx ? { nginx: { name: 'ours-nginx', urls: nginx.urls, brokerPids: [broker.pid], proxyPids: [nginx.pid] } } : {}),
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
