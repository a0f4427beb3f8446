// The broker's Prometheus metrics (prefix gateway_broker_, label listener="tcp"|"websocket") in their own
// prom-client registry: connected clients, subscriptions, messages and bytes in/out, retained messages,
// and connections refused or closed by a limit.
import { Counter, Gauge, Registry } from 'prom-client';
import type { Client } from 'aedes';
import { listenerNames, takePerListener, zeroPerListener, type Connections, type ListenerName } from './connections.js';
import { limitNames, type LimitName } from './limit-reporter.js';

export interface BrokerMetrics {
  registry: Registry;
  messageReceived(listener: ListenerName): void;
  messageSent(listener: ListenerName): void;
  /** A limit refused or closed a connection (packet_size also counts in oversized_packets_total). */
  limitTriggered(limit: LimitName, listener: ListenerName): void;
  /** A CONNECT refused by authentication, by reason. */
  authenticationFailed(reason: AuthenticationFailure): void;
  /** A publish dropped, a subscription refused or a delivery skipped by the ACL or topic policy. */
  accessDenied(action: AccessAction): void;
}

export const authenticationFailures = ['anonymous', 'bad_credentials', 'no_password_file'] as const;
export type AuthenticationFailure = (typeof authenticationFailures)[number];
export const accessActions = ['publish', 'subscribe', 'deliver'] as const;
export type AccessAction = (typeof accessActions)[number];

export interface BrokerMetricsSources {
  connections: Connections;
  /** Clients with an established session. */
  connectedClients: () => Iterable<Client>;
  retainedCount: () => number;
}

export function createBrokerMetrics(sources: BrokerMetricsSources): BrokerMetrics {
  const registry = new Registry();
  const labelNames = ['listener'] as const;
  const perListener = (count: (client: Client) => number) => {
    const totals = zeroPerListener();
    for (const client of sources.connectedClients()) {
      const listener = sources.connections.describe(client)?.listener;
      if (listener) totals[listener] += count(client);
    }
    return totals;
  };

  new Gauge({
    name: 'gateway_broker_clients_connected',
    help: 'MQTT clients with an established session',
    labelNames,
    registers: [registry],
    collect() {
      for (const [listener, value] of Object.entries(perListener(() => 1))) this.set({ listener }, value);
    },
  });
  new Gauge({
    name: 'gateway_broker_subscriptions',
    help: 'Subscriptions held by connected clients',
    labelNames,
    registers: [registry],
    collect() {
      for (const [listener, value] of Object.entries(perListener(subscriptionCount))) this.set({ listener }, value);
    },
  });
  new Gauge({
    name: 'gateway_broker_retained_messages',
    help: 'Retained messages stored',
    registers: [registry],
    collect() {
      this.set(sources.retainedCount());
    },
  });
  // Message counts are kept in plain numbers per listener and added to the counters when scraped: a
  // prom-client inc() per message (label lookup, hashing) cost 2 % of the broker's time under load.
  const unreportedReceived = zeroPerListener();
  const unreportedSent = zeroPerListener();
  const messagesReceived = new Counter({
    name: 'gateway_broker_messages_received_total',
    help: 'PUBLISH packets received from clients',
    labelNames,
    registers: [registry],
    collect() {
      for (const [listener, count] of Object.entries(takePerListener(unreportedReceived))) this.inc({ listener }, count);
    },
  });
  const messagesSent = new Counter({
    name: 'gateway_broker_messages_sent_total',
    help: 'PUBLISH packets forwarded to clients',
    labelNames,
    registers: [registry],
    collect() {
      for (const [listener, count] of Object.entries(takePerListener(unreportedSent))) this.inc({ listener }, count);
    },
  });
  new Counter({
    name: 'gateway_broker_bytes_received_total',
    help: 'Bytes read from client connections (WebSocket framing included)',
    labelNames,
    registers: [registry],
    collect() {
      for (const [listener, bytes] of Object.entries(sources.connections.takeBytesRead())) this.inc({ listener }, bytes);
    },
  });
  new Counter({
    name: 'gateway_broker_bytes_sent_total',
    help: 'Bytes written to client connections (WebSocket framing included)',
    labelNames,
    registers: [registry],
    collect() {
      for (const [listener, bytes] of Object.entries(sources.connections.takeBytesWritten())) this.inc({ listener }, bytes);
    },
  });
  const oversized = new Counter({
    name: 'gateway_broker_oversized_packets_total',
    help: 'Connections closed for sending a packet over the maximum packet size',
    labelNames,
    registers: [registry],
  });
  const limitRejections = new Counter({
    name: 'gateway_broker_limit_rejections_total',
    help: 'Connections refused (CONNACK 3) or closed because a limit triggered, by limit',
    labelNames: ['limit', 'listener'] as const,
    registers: [registry],
  });
  const authFailures = new Counter({
    name: 'gateway_broker_authentication_failures_total',
    help: 'CONNECTs refused by authentication (CONNACK 4 or 5), by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const denials = new Counter({
    name: 'gateway_broker_access_denied_total',
    help: 'Publishes dropped, subscriptions refused and deliveries skipped by the ACL or topic policy, by action',
    labelNames: ['action'] as const,
    registers: [registry],
  });
  for (const reason of authenticationFailures) authFailures.inc({ reason }, 0);
  for (const action of accessActions) denials.inc({ action }, 0);
  for (const listener of listenerNames) {
    messagesReceived.inc({ listener }, 0);
    messagesSent.inc({ listener }, 0);
    oversized.inc({ listener }, 0);
    for (const limit of limitNames) limitRejections.inc({ limit, listener }, 0);
  }

  return {
    registry,
    messageReceived: (listener) => {
      unreportedReceived[listener] += 1;
    },
    messageSent: (listener) => {
      unreportedSent[listener] += 1;
    },
    limitTriggered: (limit, listener) => {
      limitRejections.inc({ limit, listener });
      if (limit === 'packet_size') oversized.inc({ listener });
    },
    authenticationFailed: (reason) => authFailures.inc({ reason }),
    accessDenied: (action) => denials.inc({ action }),
  };
}

/** aedes keeps a client's live subscriptions in `client.subscriptions`, which its type declarations leave out. */
function subscriptionCount(client: Client): number {
  const { subscriptions } = client as Client & { subscriptions?: Record<string, unknown> };
  return subscriptions ? Object.keys(subscriptions).length : 0;
}
