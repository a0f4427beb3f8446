// The idle-connections scenario: open K MQTT connections to a target, hold them, and report how much
// resident memory each one costs the broker and the proxy (VmRSS after, minus before, divided by K; both read
// after the same quiet time).
import { openMqttConnection, type MqttConnection } from './mqtt-connection.js';
import { residentBytes } from './process-stats.js';
import type { IdleScenario } from './scenarios.js';
import type { Target } from './targets.js';

export interface IdleOptions {
  /** How long the connections stay open before memory is read; the baseline is read after as long a wait. */
  holdMs: number;
  /** Connections opened at once. */
  concurrency: number;
}

export interface IdleRunResult {
  scenario: string;
  target: string;
  url: string;
  connections: number;
  opened: number;
  failed: number;
  /** First failure, to explain `failed`. */
  firstError?: string;
  brokerRssBaselineBytes?: number;
  brokerRssBytes?: number;
  brokerBytesPerConnection?: number;
  proxyRssBaselineBytes?: number;
  proxyRssBytes?: number;
  proxyBytesPerConnection?: number;
}

let runCounter = 0;

export async function runIdleScenario(target: Target, scenario: IdleScenario, options: IdleOptions): Promise<IdleRunResult> {
  const url = target.urls[scenario.transport];
  if (url === undefined) throw new Error(`target ${target.name} has no ${scenario.transport} URL`);
  const run = `${String(process.pid)}-${String(++runCounter)}`;
  const memory = (pids: readonly number[]) => (pids.length === 0 ? undefined : residentBytes(pids));
  // The baseline settles as long as the connections will: a process shrinks its heap after start-up once it
  // is quiet (V8's memory reducer), and a baseline read before that would hide what the connections cost.
  await new Promise((resolve) => setTimeout(resolve, options.holdMs));
  const brokerBaseline = memory(target.brokerPids);
  const proxyBaseline = memory(target.proxyPids);
  const connections: MqttConnection[] = [];
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  const opener = async () => {
    while (next < scenario.connections) {
      const index = next++;
      try {
        connections.push(await openMqttConnection(url, { clientId: `bench-idle-${run}-${String(index)}` }));
      } catch (error) {
        failed += 1;
        firstError ??= (error as Error).message;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, scenario.connections) }, opener));
    await new Promise((resolve) => setTimeout(resolve, options.holdMs));
    const brokerNow = memory(target.brokerPids);
    const proxyNow = memory(target.proxyPids);
    const perConnection = (now: number | undefined, baseline: number | undefined) =>
      now === undefined || baseline === undefined || connections.length === 0 ? undefined : Math.round((now - baseline) / connections.length);
    return {
      scenario: scenario.name,
      target: target.name,
      url,
      connections: scenario.connections,
      opened: connections.length,
      failed,
      ...(firstError === undefined ? {} : { firstError }),
      ...definedOnly({
        brokerRssBaselineBytes: brokerBaseline,
        brokerRssBytes: brokerNow,
        brokerBytesPerConnection: perConnection(brokerNow, brokerBaseline),
        proxyRssBaselineBytes: proxyBaseline,
        proxyRssBytes: proxyNow,
        proxyBytesPerConnection: perConnection(proxyNow, proxyBaseline),
      }),
    };
  } finally {
    for (const connection of connections) connection.destroy();
    await Promise.all(connections.map((connection) => connection.closed));
  }
}

function definedOnly<T extends Record<string, number | undefined>>(record: T): { [K in keyof T]?: number } {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: number };
}
