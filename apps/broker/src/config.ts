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

/** An IP address or CIDR block (10.0.0.0/8, fd00::/8) or a host name resolved at start and every 30 s. */
const trustedProxyList = () =>
  fields.list(['127.0.0.1', '::1']).pipe(
    z.array(z.string()).superRefine((entries, ctx) => {
      for (const entry of entries) {
        if (!/^[A-Za-z0-9.:_-]+(\/\d{1,3})?$/.test(entry)) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(entry)} is not an address, CIDR block or host name` });
      }
    }),
  );

const optionalPath = () => z.string().min(1, 'expected a file path').optional();

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
  BROKER_CONCURRENCY: fields.positiveInt(1000),
  BROKER_HEARTBEAT_INTERVAL: fields.duration(60_000).pipe(z.number().min(1000, 'expected at least 1s')),
  BROKER_SHUTDOWN_TIMEOUT: fields.duration(5000),
  BROKER_MAX_CONNECTIONS: fields.positiveInt(10_000),
  BROKER_MAX_CONNECTIONS_PER_ADDRESS: fields.positiveInt(1000),
  BROKER_CONNECT_TIMEOUT: fields.duration(5000).pipe(z.number().min(100, 'expected at least 100ms')),
  BROKER_CONNECT_RATE_LIMIT: fields.positiveInt(50),
  BROKER_CONNECT_RATE_WINDOW: fields.duration(1000).pipe(z.number().min(1, 'expected more than 0ms')),
  BROKER_CONNECT_QUEUE_LIMIT: fields.positiveInt(42),
  BROKER_MAX_INFLIGHT: fields.positiveInt(1000),
  BROKER_INFLIGHT_TIMEOUT: fields.duration(10_000).pipe(z.number().min(100, 'expected at least 100ms')),
  BROKER_MAX_OUTBOUND_BUFFER: fields.byteSize(4 * 1024 * 1024).pipe(z.number().min(64 * 1024, 'expected at least 64KiB')),
  BROKER_ALLOW_ANONYMOUS: fields.optionalFlag(),
  BROKER_PASSWORD_FILE: optionalPath(),
  BROKER_ACL_FILE: optionalPath(),
  BROKER_PROXY_PROTOCOL: fields.flag(false),
  BROKER_TRUSTED_PROXIES: trustedProxyList(),
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
  /**
   * How many deliveries aedes' emitter has in flight at once: a message counts once per subscription it
   * matched (patches/mqemitter@7.1.0.patch); the messages past it wait, in order.
   */
  concurrency: number;
  /** How often aedes beats its $SYS heartbeat (also paces the sweep for wills left by a crashed broker). */
  heartbeatIntervalMs: number;
  /** How long a graceful close waits for wills and in-flight publishes to reach persistence. */
  shutdownTimeoutMs: number;
  /** Open connections allowed at once, both listeners together; more get CONNACK 3. */
  maxConnections: number;
  /** Open connections allowed from one source address; more get CONNACK 3. */
  maxConnectionsPerAddress: number;
  /** How long a connection may take to send its CONNECT (and, on WebSocket, to upgrade) before it is closed. */
  connectTimeoutMs: number;
  /** CONNECTs allowed from one source address per `connectRateWindowMs` (a token bucket); more get CONNACK 3. */
  connectRateLimit: number;
  connectRateWindowMs: number;
  /** Packets a client may send behind its CONNECT before the CONNECT is processed (aedes queueLimit). */
  connectQueueLimit: number;
  /** QoS 1/2 messages awaiting acknowledgement per client, each direction, before it is disconnected. */
  maxInflight: number;
  /** How long a client over `maxInflight` may go without acknowledging anything before it is disconnected. */
  inflightTimeoutMs: number;
  /** Bytes waiting to be written to one client before it is disconnected as a slow consumer. */
  maxOutboundBuffer: number;
  /**
   * Whether a client may connect without a user name. Unset, it is allowed only on a loopback-only broker
   * without a password file (Mosquitto 2's local-only mode); anywhere else anonymous clients get CONNACK 5.
   */
  allowAnonymous: boolean;
  /** Users and their scrypt hashes, written by `gateway-passwd`; reloaded when the file changes. */
  passwordFile: string | undefined;
  /** Mosquitto acl_file rules for publish, subscribe and delivery; reloaded when the file changes. Unset: all allowed. */
  aclFile: string | undefined;
  /** TCP connections from a trusted proxy start with a PROXY protocol v2 header giving the client's address. */
  proxyProtocol: boolean;
  /** Peers whose PROXY header, X-Forwarded-For and X-Client-Cert-CN are believed: addresses, CIDR blocks, host names. */
  trustedProxies: string[];
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
    maxConnections: raw.BROKER_MAX_CONNECTIONS,
    maxConnectionsPerAddress: raw.BROKER_MAX_CONNECTIONS_PER_ADDRESS,
    connectTimeoutMs: raw.BROKER_CONNECT_TIMEOUT,
    connectRateLimit: raw.BROKER_CONNECT_RATE_LIMIT,
    connectRateWindowMs: raw.BROKER_CONNECT_RATE_WINDOW,
    connectQueueLimit: raw.BROKER_CONNECT_QUEUE_LIMIT,
    maxInflight: raw.BROKER_MAX_INFLIGHT,
    inflightTimeoutMs: raw.BROKER_INFLIGHT_TIMEOUT,
    maxOutboundBuffer: raw.BROKER_MAX_OUTBOUND_BUFFER,
    allowAnonymous: raw.BROKER_ALLOW_ANONYMOUS ?? (isLoopbackHost(raw.BROKER_HOST) && raw.BROKER_PASSWORD_FILE === undefined),
    passwordFile: raw.BROKER_PASSWORD_FILE,
    aclFile: raw.BROKER_ACL_FILE,
    proxyProtocol: raw.BROKER_PROXY_PROTOCOL,
    trustedProxies: raw.BROKER_TRUSTED_PROXIES,
    logLevel: raw.LOG_LEVEL,
  };
}

/** Whether `host` only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
