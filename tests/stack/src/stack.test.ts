import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceProcess, waitFor, type ServiceProcess } from '@gateway/service-kit/testing';
import { KNOWN_IMAGES, imageSelection, imageSelectionTopic, sensorReadings, type SensorReading } from '@gateway/topics';
import { listeningSockets } from './listening-sockets.js';

/** This file lives in tests/stack/src. */
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

interface Ports {
  brokerTcp: number;
  brokerWs: number;
  brokerAdmin: number;
  proxyTcp: number;
  proxyWs: number;
  proxyAdmin: number;
}

/** The port of a URL a service logged ("mqtt://127.0.0.1:41234"). */
function portOf(url: unknown): number {
  const port = typeof url === 'string' ? Number(new URL(url).port) : Number.NaN;
  if (!Number.isInteger(port) || port <= 0) throw new Error(`expected a URL with a port in the service's ready line, got ${JSON.stringify(url)}`);
  return port;
}

async function ready(adminPort: number): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${adminPort}/readyz`);
  return response.ok;
}

/** Subscribes to sensor readings and image names through `url` and collects what arrives. */
async function watch(url: string) {
  const client: MqttClient = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000 });
  const readings: SensorReading[] = [];
  const images: string[] = [];
  client.on('message', (topic, payload) => {
    if (topic === imageSelectionTopic()) {
      const image = imageSelection.payload.decode(payload);
      if (image.ok) images.push(image.value);
      return;
    }
    const reading = sensorReadings.payload.decode(payload);
    if (reading.ok) readings.push(reading.value);
  });
  await client.subscribeAsync([sensorReadings.filter, imageSelectionTopic()], { qos: 1 });
  return { client, readings, images };
}

describe('the whole stack, started as a user starts it', () => {
  let ports: Ports;
  let dataDir: string;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    // Every port is 0 (the OS picks a free one) and read back from the service's "ready" log line:
    // ports picked up front and handed over later could be taken by a parallel test in between.
    dataDir = mkdtempSync(join(tmpdir(), 'stack-broker-'));
    const broker = startServiceProcess('broker', join(repoRoot, 'apps/broker/dist/main.js'), {
      cwd: repoRoot,
      // PROXY protocol on both sides, as in the compose deployment: the broker learns each client's address from the proxy.
      env: { BROKER_TCP_PORT: '0', BROKER_WS_PORT: '0', BROKER_ADMIN_PORT: '0', BROKER_DATA_DIR: dataDir, BROKER_PROXY_PROTOCOL: 'true' },
    });
    services.push(broker);
    const brokerReady = await broker.waitForLog('broker ready');
    const brokerTcp = portOf(brokerReady['mqtt']);
    const brokerWs = portOf(brokerReady['websocket']);
    const brokerAdmin = portOf(brokerReady['admin']);
    await waitFor(() => ready(brokerAdmin), { what: 'broker /readyz' });

    const proxy = startServiceProcess('proxy', join(repoRoot, 'apps/proxy/dist/main.js'), {
      cwd: repoRoot,
      env: {
        PROXY_TCP_PORT: '0',
        PROXY_WS_PORT: '0',
        PROXY_ADMIN_PORT: '0',
        // The TLS listeners stay on, as a user has them, but on free ports too.
        PROXY_TLS_PORT: '0',
        PROXY_WSS_PORT: '0',
        PROXY_TCP_UPSTREAMS: `127.0.0.1:${String(brokerTcp)}`,
        PROXY_WS_UPSTREAMS: `127.0.0.1:${String(brokerWs)}`,
        PROXY_UPSTREAM_PROXY_PROTOCOL: 'true',
      },
    });
    services.push(proxy);
    const proxyReady = await proxy.waitForLog('proxy ready');
    ports = {
      brokerTcp,
      brokerWs,
      brokerAdmin,
      proxyTcp: portOf(proxyReady['mqtt']),
      proxyWs: portOf(proxyReady['websocket']),
      proxyAdmin: portOf(proxyReady['admin']),
    };
    await waitFor(() => ready(ports.proxyAdmin), { what: 'proxy /readyz' });

    const simulator = startServiceProcess('simulator', join(repoRoot, 'apps/simulator/dist/main.js'), {
      cwd: repoRoot,
      args: ['--sensors', '3', '--interval', '200ms', '--images-interval', '300ms', '--url', `mqtt://127.0.0.1:${ports.proxyTcp}`, '--quiet'],
    });
    services.push(simulator);
  });

  afterAll(async () => {
    const [broker, proxy, simulator] = services;
    const codes = [await simulator?.stop('SIGINT'), await proxy?.stop('SIGTERM'), await broker?.stop('SIGTERM')];
    rmSync(dataDir, { recursive: true, force: true });
    expect(codes, 'each service exits cleanly on its signal').toEqual([0, 0, 0]);
  });

  it.each([
    ['raw MQTT (18831)', () => `mqtt://127.0.0.1:${ports.proxyTcp}`],
    ['MQTT over WebSocket (8020)', () => `ws://127.0.0.1:${ports.proxyWs}/mqtt`],
  ])('delivers sensor readings and image names through the proxy over %s', async (_name, url) => {
    const watcher = await watch(url());
    try {
      await waitFor(() => new Set(watcher.readings.map((reading) => reading.sensorId)).size === 3, { timeoutMs: 15_000, what: 'readings from 3 sensors' });
      await waitFor(() => watcher.images.length > 0, { timeoutMs: 15_000, what: 'an image name' });
      expect([...new Set(watcher.readings.map((reading) => reading.sensorId))].sort()).toEqual(['Sensor01', 'Sensor02', 'Sensor03']);
      for (const image of watcher.images) expect(KNOWN_IMAGES).toContain(image);
    } finally {
      await watcher.client.endAsync();
    }
  });

  it("tells the broker each client's own address and port, for TCP (PROXY v2) and WebSocket (X-Forwarded-For)", async () => {
    const broker = services[0];
    for (const url of [`mqtt://127.0.0.1:${ports.proxyTcp}`, `ws://127.0.0.1:${ports.proxyWs}/mqtt`]) {
      const watcher = await watch(url);
      const clientId = watcher.client.options.clientId ?? '';
      const localPort = url.startsWith('mqtt:') ? (watcher.client.stream as { localPort?: number }).localPort : undefined;
      await watcher.client.endAsync();
      const line = await broker?.waitForLine(clientId);
      const connected = broker
        ?.recentLines()
        .filter((text) => text.includes('"client connected"') && text.includes(clientId))
        .map((text) => JSON.parse(text) as { remoteAddress?: string; via?: string });
      expect(line, `broker log line for ${clientId}`).toBeDefined();
      expect(connected?.[0]?.via, 'relayed by the proxy').toMatch(/^127\.0\.0\.1:\d+$/);
      // Over TCP the proxy passes the client's own port; over WebSocket only its address.
      expect(connected?.[0]?.remoteAddress).toBe(localPort === undefined ? '127.0.0.1' : `127.0.0.1:${String(localPort)}`);
    }
  });

  it('serves the dashboard on the WebSocket port', async () => {
    const response = await fetch(`http://127.0.0.1:${ports.proxyWs}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toContain('Gateway dashboard');
  });

  it("binds the broker's own ports to loopback only, and the proxy's to every interface", () => {
    for (const port of [ports.brokerTcp, ports.brokerWs, ports.brokerAdmin, ports.proxyAdmin]) {
      const sockets = listeningSockets(port);
      expect(sockets.length, `a listener on ${port}`).toBeGreaterThan(0);
      for (const socket of sockets) expect(['127.0.0.1', '::1']).toContain(socket.address);
    }
    for (const port of [ports.proxyTcp, ports.proxyWs]) {
      expect(listeningSockets(port).map((socket) => socket.address)).toEqual(expect.arrayContaining([expect.stringMatching(/^(0\.0\.0\.0|::)$/)]));
    }
  });
});
