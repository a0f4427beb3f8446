// Starts the broker: persistence, aedes, the TCP and WebSocket listeners and the admin server, and closes
// them gracefully (wills of connected clients published and persisted before the store closes).
import type { EventEmitter } from 'node:events';
import type { Client } from 'aedes';
import { createLogger, startAdminServer, type AdminServer, type Logger } from '@gateway/service-kit';
import { installAcknowledgeAfterStore } from './acknowledge-after-store.js';
import { aedesLimitOptions, limitOfAedesError } from './aedes-limits.js';
import type { BrokerConfig } from './config.js';
import { installConnectAdmission, type ConnectAdmission } from './connect-admission.js';
import { ConnectRateLimiter } from './connect-rate-limiter.js';
import { ConnectionSlots } from './connection-slots.js';
import { Connections } from './connections.js';
import { openClientAccess } from './client-access.js';
import { installClientRules } from './client-rules.js';
import { installDeliveryDedupe } from './delivery-dedupe.js';
import { GatewayAedes } from './gateway-aedes.js';
import { LimitReporter } from './limit-reporter.js';
import { startTcpListener, type StartedListener } from './listeners/tcp.js';
import { startWebSocketListener } from './listeners/websocket.js';
import { createBrokerMetrics } from './metrics.js';
import { openPersistence, type BrokerPersistence } from './persistence.js';
import { installTopicMatchCache } from './topic-match-cache.js';
import { createTopicPolicy } from './topic-policy.js';
import { TrustedProxies } from './trusted-proxies.js';

export interface StartBrokerOptions {
  logger?: Logger;
}

export interface StartedBroker {
  /** Bound ports (a configured port of 0 picks a free one). */
  tcpPort: number;
  wsPort: number;
  adminPort: number;
  aedes: GatewayAedes;
  /** Graceful close, as on SIGTERM; safe to call more than once. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startBroker(config: BrokerConfig, options: StartBrokerOptions = {}): Promise<StartedBroker> {
  const logger = options.logger ?? createLogger('broker', config.logLevel);
  const cleanups: (() => Promise<void>)[] = [];
  const undo = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => logger.error({ err: error }, 'error while undoing start-up'));
  };
  try {
    const access = await openClientAccess(config, logger);
    cleanups.push(() => Promise.resolve(access.close()));
    const trustedProxies = await TrustedProxies.create(config.trustedProxies, logger);
    cleanups.push(() => Promise.resolve(trustedProxies.close()));

    const persistence = await openPersistence(config.persistence, config.dataDir, (error) => logger.warn({ err: error }, 'reading retained messages failed'));
    cleanups.push(() => persistence.close());
    logger.info({ persistence: config.persistence, dataDir: config.persistence === 'level' ? config.dataDir : undefined }, 'persistence open');

    const aedes = new GatewayAedes({
      persistence: persistence.aedesPersistence,
      concurrency: config.concurrency,
      heartbeatInterval: config.heartbeatIntervalMs,
      ...aedesLimitOptions(config),
    });
    await aedes.listen();
    cleanups.push(() => new Promise<void>((resolve) => aedes.close(() => resolve())));

    const retained = new Set(await persistence.retainedTopics());
    const connected = new Set<Client>();
    const limits = new LimitReporter(logger, (limit, listener) => metrics.limitTriggered(limit, listener));
    const connections = new Connections({
      aedes,
      maxPacketSize: config.maxPacketSize,
      maxInflight: config.maxInflight,
      inflightTimeoutMs: config.inflightTimeoutMs,
      maxOutboundBuffer: config.maxOutboundBuffer,
      slots: new ConnectionSlots(config),
      limits,
      logger,
    });
    const metrics = createBrokerMetrics({ connections, connectedClients: () => connected, retainedCount: () => retained.size });
    const policy = createTopicPolicy({ deny: config.topicDeny, allow: config.topicAllow });
    installClientRules(aedes, { policy, authentication: access.authentication, acl: access.acl, connections, metrics, logger });
    // Both wrap hooks the client rules installed: QoS 1 is acknowledged once stored, and delivered live even
    // when it reaches the emitter after a later message (aedes 1.2 would skip it until the next reconnect).
    installAcknowledgeAfterStore(aedes);
    installDeliveryDedupe(aedes);
    installTopicMatchCache(aedes);
    // Installed after the client rules: it wraps their authenticate and runs first.
    const rateLimiter = new ConnectRateLimiter({ limit: config.connectRateLimit, windowMs: config.connectRateWindowMs });
    const admission = installConnectAdmission(aedes, { connections, rateLimiter, limits });
    observeClients(aedes, { connections, connected, retained, metrics, limits, admission, logger });
    cleanups.push(() => {
      connections.destroyAll();
      return Promise.resolve();
    });

    const tcp = await startTcpListener({
      host: config.host,
      port: config.tcpPort,
      connections,
      proxyProtocol: config.proxyProtocol,
      trustedProxies,
      headerTimeoutMs: config.connectTimeoutMs,
      logger,
    });
    cleanups.push(() => tcp.close());
    logger.info({ listener: 'tcp', host: config.host, port: tcp.port }, 'MQTT listener up');
    const ws = await startWebSocketListener({
      host: config.host,
      port: config.wsPort,
      maxPacketSize: config.maxPacketSize,
      upgradeTimeoutMs: config.connectTimeoutMs,
      connections,
      limits,
      trustedProxies,
      logger,
    });
    cleanups.push(() => ws.close());
    logger.info({ listener: 'websocket', host: config.host, port: ws.port }, 'MQTT listener up');

    let listening = true;
    const admin = await startAdminServer({
      host: config.adminHost,
      port: config.adminPort,
      registry: metrics.registry,
      readiness: { listeners: () => listening, persistence: () => persistence.isOpen() },
      logger,
    });

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= closeGracefully({ aedes, tcp, ws, admin, persistence, connections, connected, logger, shutdownTimeoutMs: config.shutdownTimeoutMs, stopReady: () => (listening = false) }));
    return { tcpPort: tcp.port, wsPort: ws.port, adminPort: admin.port, aedes, close, [Symbol.asyncDispose]: close };
  } catch (error) {
    await undo();
    throw error;
  }
}

interface ObservedParts {
  connections: Connections;
  connected: Set<Client>;
  retained: Set<string>;
  metrics: ReturnType<typeof createBrokerMetrics>;
  limits: LimitReporter;
  admission: ConnectAdmission;
  logger: Logger;
}

function observeClients(aedes: GatewayAedes, { connections, connected, retained, metrics, limits, admission, logger }: ObservedParts): void {
  /** Reports an error that is a limit aedes enforced (or the CONNACK 3 already reported); false for others. */
  const isLimit = (client: Client, error: Error): boolean => {
    if (admission.wasRefused(client)) return true;
    const limit = limitOfAedesError(client, error);
    const info = connections.describe(client);
    if (!limit || !info) return false;
    limits.report({ limit, ...connections.logFields(client), listener: info.listener, remoteAddress: info.remoteAddress, details: { err: error.message } }, 'closing the connection');
    return true;
  };
  aedes.on('client', (client) => {
    if (client.closed) {
      // The connection closed while its CONNECT was being processed: aedes 1.2 registers the client all
      // the same and never unregisters it (a client leak, and a wrong connected count). Undo that here.
      logger.debug(connections.logFields(client), 'client closed before its CONNECT completed');
      aedes.unregister(client);
      return;
    }
    connected.add(client);
    logger.info({ ...connections.logFields(client), clean: client.clean }, 'client connected');
  });
  aedes.on('clientDisconnect', (client) => {
    connected.delete(client);
    logger.info(connections.logFields(client), 'client disconnected');
  });
  aedes.on('clientError', (client, error) => {
    if (!isLimit(client, error)) logger.warn({ ...connections.logFields(client), err: error.message }, 'client error');
  });
  aedes.on('connectionError', (client, error) => {
    if (!isLimit(client, error)) logger.warn({ ...connections.describe(client), err: error.message }, 'connection error');
  });
  aedes.on('keepaliveTimeout', (client) => logger.info(connections.logFields(client), 'client keepalive timed out'));
  aedes.on('subscribe', (subscriptions, client) =>
    logger.debug({ ...connections.logFields(client), topics: subscriptions.map((subscription) => subscription.topic) }, 'client subscribed'),
  );
  aedes.on('publish', (packet, client) => {
    if (packet.retain) {
      if (packet.payload.length === 0) retained.delete(packet.topic);
      else retained.add(packet.topic);
    }
    if (!client) return;
    const listener = connections.describe(client)?.listener;
    if (listener) metrics.messageReceived(listener);
  });
  // aedes emits 'error' (for example a persistence failure) though its type declarations omit the event.
  const emitter: EventEmitter = aedes;
  emitter.on('error', (error: Error) => logger.error({ err: error }, 'broker error'));
}

async function closeGracefully(parts: {
  aedes: GatewayAedes;
  tcp: StartedListener;
  ws: StartedListener;
  admin: AdminServer;
  persistence: BrokerPersistence;
  connections: Connections;
  connected: Set<Client>;
  logger: Logger;
  shutdownTimeoutMs: number;
  stopReady: () => void;
}): Promise<void> {
  const { aedes, logger } = parts;
  parts.stopReady();
  // Stop accepting; each listener's promise settles once its connections are gone.
  const listenersClosed = Promise.all([parts.tcp.close(), parts.ws.close()]);
  // Closing the network connection without a DISCONNECT publishes each client's will (MQTT-3.1.2-8).
  const clients = [...parts.connected];
  await Promise.all(clients.map((client) => new Promise<void>((resolve) => client.close(() => resolve()))));
  if (!(await aedes.publishesSettled(parts.shutdownTimeoutMs))) {
    logger.warn({ timeoutMs: parts.shutdownTimeoutMs }, 'publishes still in flight at shutdown: closing anyway');
  }
  await new Promise<void>((resolve) => aedes.close(() => resolve()));
  parts.connections.destroyAll();
  await listenersClosed;
  await parts.persistence.close();
  await parts.admin.close();
  logger.info({ clientsClosed: clients.length }, 'broker closed');
}
