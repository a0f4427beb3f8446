// Test fixtures: a broker started on free ports with its own temporary data directory, and MQTT.js
// clients that never reconnect on their own. Both are disposable with `await using`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { createLogger, type Logger } from '@gateway/service-kit';
import { startBroker, type StartedBroker } from '../broker.js';
import { loadBrokerConfig, type BrokerConfig } from '../config.js';

export interface TempDir {
  path: string;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function createTempDir(prefix = 'broker-test-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

export interface TestBroker extends StartedBroker {
  config: BrokerConfig;
  tcpUrl: string;
  wsUrl(path?: string): string;
  adminUrl: string;
}

/** Starts a broker on 127.0.0.1 with OS-chosen ports and silent logs; without `dataDir`, a fresh temporary one (removed on close). */
export async function startTestBroker(overrides: Partial<BrokerConfig> = {}, options: { logger?: Logger } = {}): Promise<TestBroker> {
  const ownDir = overrides.dataDir === undefined ? await createTempDir() : undefined;
  const config: BrokerConfig = {
    ...loadBrokerConfig({}),
    tcpPort: 0,
    wsPort: 0,
    adminPort: 0,
    logLevel: 'silent',
    ...overrides,
    dataDir: overrides.dataDir ?? ownDir?.path ?? '',
  };
  const broker = await startBroker(config, { logger: options.logger ?? createLogger('broker', config.logLevel) });
  const close = async () => {
    await broker.close();
    await ownDir?.[Symbol.asyncDispose]();
  };
  return {
    ...broker,
    config,
    tcpUrl: `mqtt://127.0.0.1:${String(broker.tcpPort)}`,
    wsUrl: (path = '/mqtt') => `ws://127.0.0.1:${String(broker.wsPort)}${path}`,
    adminUrl: `http://127.0.0.1:${String(broker.adminPort)}`,
    close,
    [Symbol.asyncDispose]: close,
  };
}

export type TestClient = MqttClient & { [Symbol.asyncDispose](): Promise<void> };

/** Connects an MQTT.js client that does not reconnect; disposing it ends it (forcibly, so tests never hang). */
export async function connectClient(url: string, options: IClientOptions = {}): Promise<TestClient> {
  const client = await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
  return Object.assign(client, { [Symbol.asyncDispose]: () => client.endAsync(true) });
}

/** Creates a client that connects only when the test calls `connect()`, so it can listen for messages sent right after CONNACK. */
export function createClient(url: string, options: IClientOptions = {}): TestClient {
  const client = connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options, manualConnect: true });
  return Object.assign(client, { [Symbol.asyncDispose]: () => client.endAsync(true) });
}

/** Resolves with the next message on `topic` (or any topic when omitted). */
export function nextMessage(client: MqttClient, topic?: string): Promise<{ topic: string; payload: Buffer; retain: boolean; qos: number }> {
  return new Promise((resolve) => {
    const onMessage = (received: string, payload: Buffer, packet: { retain: boolean; qos: number }) => {
      if (topic !== undefined && received !== topic) return;
      client.off('message', onMessage);
      resolve({ topic: received, payload, retain: packet.retain, qos: packet.qos });
    };
    client.on('message', onMessage);
  });
}
