// The proxy's Prometheus metrics (prefix gateway_proxy_, label listener="tcp"|"tls"|"websocket"|"wss") in
// their own prom-client registry: open and total connections, bytes each way, upstream failures, static
// requests, refused WebSocket upgrades and failed TLS handshakes.
import { Counter, Gauge, Registry } from 'prom-client';

/** tcp: raw MQTT; tls: MQTT over TLS; websocket: MQTT over WebSocket; wss: MQTT over WebSocket over TLS. */
export type ListenerName = 'tcp' | 'tls' | 'websocket' | 'wss';

export const listenerNames: readonly ListenerName[] = ['tcp', 'tls', 'websocket', 'wss'];

/** Why a WebSocket upgrade was refused before reaching the broker. */
export type UpgradeRejection = 'origin' | 'not-websocket';

export type TlsRefusal = 'handshake' | 'client-certificate';

export interface ProxyMetrics {
  registry: Registry;
  connectionOpened(listener: ListenerName): void;
  connectionClosed(listener: ListenerName): void;
  bytesFromClient(listener: ListenerName, bytes: number): void;
  bytesFromUpstream(listener: ListenerName, bytes: number): void;
  upstreamConnectFailed(listener: ListenerName, upstream: string): void;
  upstreamUnavailable(listener: ListenerName): void;
  staticRequest(statusCode: number): void;
  upgradeRejected(listener: ListenerName, reason: UpgradeRejection): void;
  /** reason "handshake": the TLS handshake failed; "client-certificate": no verified client certificate while one is required. */
  tlsClientRefused(listener: ListenerName, reason: TlsRefusal): void;
}

export function createProxyMetrics(): ProxyMetrics {
  const registry = new Registry();
  const registers = [registry];
  const labelNames = ['listener'] as const;

  const active = new Gauge({ name: 'gateway_proxy_connections_active', help: 'Client connections open now', labelNames, registers });
  const total = new Counter({ name: 'gateway_proxy_connections_total', help: 'Client connections accepted', labelNames, registers });
  // Bytes are counted per chunk forwarded, on the hot path: plain numbers here, copied into the counters
  // when they are scraped (a prom-client inc() hashes its labels on every call).
  const bytesFromClient = zeroPerListener();
  const bytesFromUpstream = zeroPerListener();
  new Counter({
    name: 'gateway_proxy_bytes_client_to_upstream_total',
    help: 'Bytes forwarded from clients to the broker',
    labelNames,
    registers,
    collect() {
      copyTotals(this, bytesFromClient);
    },
  });
  new Counter({
    name: 'gateway_proxy_bytes_upstream_to_client_total',
    help: 'Bytes forwarded from the broker to clients',
    labelNames,
    registers,
    collect() {
      copyTotals(this, bytesFromUpstream);
    },
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
  const rejectedUpgrades = new Counter({
    name: 'gateway_proxy_rejected_upgrades_total',
    help: 'WebSocket upgrades refused by the proxy (reason="origin": not an allowed Origin)',
    labelNames: ['listener', 'reason'] as const,
    registers,
  });
  const handshakeFailures = new Counter({
    name: 'gateway_proxy_tls_handshake_failures_total',
    help: 'TLS clients turned away: reason="handshake" (protocol mismatch, client gave up) or "client-certificate" (none verified while required)',
    labelNames: ['listener', 'reason'] as const,
    registers,
  });
  for (const listener of listenerNames) {
    active.set({ listener }, 0);
    for (const counter of [total, unavailable]) counter.inc({ listener }, 0);
  }
  for (const listener of ['websocket', 'wss'] as const) rejectedUpgrades.inc({ listener, reason: 'origin' }, 0);
  for (const listener of ['tls', 'wss'] as const) for (const reason of ['handshake', 'client-certificate'] as const) handshakeFailures.inc({ listener, reason }, 0);

  return {
    registry,
    connectionOpened: (listener) => {
      active.inc({ listener });
      total.inc({ listener });
    },
    connectionClosed: (listener) => active.dec({ listener }),
    bytesFromClient: (listener, bytes) => {
      bytesFromClient[listener] += bytes;
    },
    bytesFromUpstream: (listener, bytes) => {
      bytesFromUpstream[listener] += bytes;
    },
    upstreamConnectFailed: (listener, upstream) => connectFailures.inc({ listener, upstream }),
    upstreamUnavailable: (listener) => unavailable.inc({ listener }),
    staticRequest: (statusCode) => staticRequests.inc({ status: String(statusCode) }),
    upgradeRejected: (listener, reason) => rejectedUpgrades.inc({ listener, reason }),
    tlsClientRefused: (listener, reason) => handshakeFailures.inc({ listener, reason }),
  };
}

function zeroPerListener(): Record<ListenerName, number> {
  return { tcp: 0, tls: 0, websocket: 0, wss: 0 };
}

/** Sets a counter to running totals kept outside prom-client (they only grow, so it stays a counter). */
function copyTotals(counter: Counter<'listener'>, totals: Record<ListenerName, number>): void {
  counter.reset();
  for (const listener of listenerNames) counter.inc({ listener }, totals[listener]);
}
