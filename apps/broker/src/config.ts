// The broker's settings, read from BROKER_* environment variables (and the optional JSON file named by
// BROKER_CONFIG_FILE) in this one place, validated at start-up with errors that name the bad variable.
import { fileURLToPath } from 'node:url';
import { fields, loadConfig } from '@gateway/service-kit';
import { isValidTopicFilter } from '@gateway/topics/match';
import { z } from 'zod';

/** `<repo>/.data/broker`: this file lives in apps/broker/src (or apps/broker/dist once built). */
export const defaultDataDir = fileURLToPath(new URL('../../../.data/broker', import.meta.url));

const topicFilterList = () =>
  fields.list([]).pipe(
    z.array(z.string()).superRefine((filters, ctx) => {
      for (const filter of filters) {
        if (!isValidTopicFilter(filter)) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(filter)} is not a valid MQTT topic filter` });
      }
    }),
  );

const shape = {
  BROKER_HOST: fields.host('127.0.0.1'),
  BROKER_TCP_PORT: fields.port(1883),
  BROKER_WS_PORT: fields.port(8001),
  BROKER_ADMIN_HOST: fields.host('127.0.0.1'),
  BROKER_ADMIN_PORT: fields.port(9101),
  BROKER_PERSISTENCE: z.enum(['level', 'memory'], { message: 'expected level or memory' }).default('level'),
  BROKER_DATA_DIR: z.string().min(1).default(defaultDataDir),
  BROKER_MAX_PACKET_SIZE: fields.byteSize(1024 * 1024),
  BROKER_TOPIC_DENY: topicFilterList(),
  BROKER_TOPIC_ALLOW: topicFilterList(),
  BROKER_CONCURRENCY: fields.positiveInt(100),
  BROKER_HEARTBEAT_INTERVAL: fields.duration(60_000).pipe(z.number().min(1000, 'expected at least 1s')),
  BROKER_SHUTDOWN_TIMEOUT: fields.duration(5000),
  LOG_LEVEL: fields.logLevel(),
};

export type PersistenceKind = 'level' | 'memory';

export interface BrokerConfig {
  /** Address the MQTT listeners (TCP and WebSocket) bind to. */
  host: string;
  tcpPort: number;
  wsPort: number;
  adminHost: string;
  adminPort: number;
  persistence: PersistenceKind;
  /** Directory of the LevelDB store (used when persistence is 'level'). */
  dataDir: string;
  /** Largest MQTT packet accepted, in bytes, counting the fixed header. */
  maxPacketSize: number;
  /** Topic filters no client may publish to or subscribe within. */
  topicDeny: readonly string[];
  /** When not empty, clients may only publish to or subscribe within these filters. */
  topicAllow: readonly string[];
  /** How many messages aedes processes at once. */
  concurrency: number;
  /** How often aedes beats its $SYS heartbeat (also paces the sweep for wills left by a crashed broker). */
  heartbeatIntervalMs: number;
  /** How long a graceful close waits for wills and in-flight publishes to reach persistence. */
  shutdownTimeoutMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** Reads and validates the broker's settings; throws a ConfigError naming each bad variable. */
export function loadBrokerConfig(env: Record<string, string | undefined> = process.env): BrokerConfig {
  const raw = loadConfig(shape, { env, fileVariable: 'BROKER_CONFIG_FILE' });
  return {
    host: raw.BROKER_HOST,
    tcpPort: raw.BROKER_TCP_PORT,
    wsPort: raw.BROKER_WS_PORT,
    adminHost: raw.BROKER_ADMIN_HOST,
    adminPort: raw.BROKER_ADMIN_PORT,
    persistence: raw.BROKER_PERSISTENCE,
    dataDir: raw.BROKER_DATA_DIR,
    maxPacketSize: raw.BROKER_MAX_PACKET_SIZE,
    topicDeny: raw.BROKER_TOPIC_DENY,
    topicAllow: raw.BROKER_TOPIC_ALLOW,
    concurrency: raw.BROKER_CONCURRENCY,
    heartbeatIntervalMs: raw.BROKER_HEARTBEAT_INTERVAL,
    shutdownTimeoutMs: raw.BROKER_SHUTDOWN_TIMEOUT,
    logLevel: raw.LOG_LEVEL,
  };
}
