// The proxy's Prometheus metrics (prefix gateway_proxy_, label listener="tcp"|"websocket") in their own
// prom-client registry: open and total connections, bytes each way, upstream failures, static requests.
import { Counter, Gauge, Registry } from 'prom-client';

export type ListenerName = 'tcp' | 'websocket';

export interface ProxyMetrics {
  registry: Registry;
  connectionOpened(listener: ListenerName): void;
  connectionClosed(listener: ListenerName): void;
  bytesFromClient(listener: ListenerName, bytes: number): void;
  bytesFromUpstream(listener: ListenerName, bytes: number): void;
  upstreamConnectFailed(listener: ListenerName, upstream: string): void;
  upstreamUnavailable(listener: ListenerName): void;
  staticRequest(statusCode: number): void;
}

export function createProxyMetrics(): ProxyMetrics {
  const registry = new Registry();
  const registers = [registry];
  const labelNames = ['listener'] as const;

  const active = new Gauge({ name: 'gateway_proxy_connections_active', help: 'Client connections open now', labelNames, registers });
  const total = new Counter({ name: 'gateway_proxy_connections_total', help: 'Client connections accepted', labelNames, registers });
  const clientToUpstream = new Counter({
    name: 'gateway_proxy_bytes_client_to_upstream_total',
    help: 'Bytes forwarded from clients to the broker',
    labelNames,
    registers,
  });
  const upstreamToClient = new Counter({
    name: 'gateway_proxy_bytes_upstream_to_client_total',
    help: 'Bytes forwarded from the broker to clients',
    labelNames,
    registers,
  });
  const connectFailures = new Counter({
    name: 'gateway_proxy_upstream_connect_failures_total',
    help: 'Failed attempts to connect to an upstream (each retry counts)',
    labelNames: ['listener', 'upstream'] as const,
    registers,
  });
  const unavailable = new Counter({
    name: 'gateway_proxy_upstream_unavailable_total',
    help: 'Client connections closed because no upstream answered after all retries',
    labelNames,
    registers,
  });
  const staticRequests = new Counter({
    name: 'gateway_proxy_static_requests_total',
    help: 'HTTP requests answered by the static site (dashboard files)',
    labelNames: ['status'] as const,
    registers,
  });
  for (const listener of ['tcp', 'websocket'] as const) {
    active.set({ listener }, 0);
    for (const counter of [total, clientToUpstream, upstreamToClient, unavailable]) counter.inc({ listener }, 0);
  }

  return {
    registry,
    connectionOpened: (listener) => {
      active.inc({ listener });
      total.inc({ listener });
    },
    connectionClosed: (listener) => active.dec({ listener }),
    bytesFromClient: (listener, bytes) => clientToUpstream.inc({ listener }, bytes),
    bytesFromUpstream: (listener, bytes) => upstreamToClient.inc({ listener }, bytes),
    upstreamConnectFailed: (listener, upstream) => connectFailures.inc({ listener, upstream }),
    upstreamUnavailable: (listener) => unavailable.inc({ listener }),
    staticRequest: (statusCode) => staticRequests.inc({ status: String(statusCode) }),
  };
}
