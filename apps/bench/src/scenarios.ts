// The benchmark's scenarios: fan-in (P publishers, one wildcard subscriber) and fan-out (one publisher,
// C subscribers) at QoS 0 and 1 with 64 B and 4 KiB payloads, and idle connections, each over raw TCP
// and WebSocket; and the --scenario filter that picks some of them by name.

export type Transport = 'tcp' | 'ws';

export interface LoadScenario {
  kind: 'fan-in' | 'fan-out';
  name: string;
  transport: Transport;
  qos: 0 | 1;
  payloadSize: number;
  publishers: number;
  subscribers: number;
}

export interface IdleScenario {
  kind: 'idle';
  name: string;
  transport: Transport;
  connections: number;
}

export type Scenario = LoadScenario | IdleScenario;

export interface ScenarioSizes {
  /** Publishers of the fan-in scenarios. */
  publishers: number;
  /** Subscribers of the fan-out scenarios. */
  subscribers: number;
  /** Connections held open by the idle scenarios. */
  idleConnections: number;
}

export const payloadSizes = [64, 4096] as const;
const transports: readonly Transport[] = ['tcp', 'ws'];

function sizeName(bytes: number): string {
  return bytes % 1024 === 0 ? `${String(bytes / 1024)}KiB` : `${String(bytes)}B`;
}

/** Every scenario, in the order they run (the idle ones first: a quick check that connections open at all). */
export function allScenarios(sizes: ScenarioSizes): Scenario[] {
  const scenarios: Scenario[] = [];
  for (const transport of transports) scenarios.push({ kind: 'idle', name: `idle/${transport}`, transport, connections: sizes.idleConnections });
  for (const kind of ['fan-in', 'fan-out'] as const) {
    for (const transport of transports) {
      for (const qos of [0, 1] as const) {
        for (const payloadSize of payloadSizes) {
          scenarios.push({
            kind,
            name: `${kind}/qos${String(qos)}/${sizeName(payloadSize)}/${transport}`,
            transport,
            qos,
            payloadSize,
            publishers: kind === 'fan-in' ? sizes.publishers : 1,
            subscribers: kind === 'fan-out' ? sizes.subscribers : 1,
          });
        }
      }
    }
  }
  return scenarios;
}

/**
 * Scenarios whose name matches one of the comma-separated patterns; a pattern matches anywhere in the
 * name and `*` stands for any text ("fan-in", "qos1*tcp", "idle/ws"). No patterns: all of them.
 */
export function filterScenarios(scenarios: readonly Scenario[], patterns: string | undefined): Scenario[] {
  const list = (patterns ?? '')
    .split(',')
    .map((pattern) => pattern.trim())
    .filter((pattern) => pattern !== '');
  if (list.length === 0) return [...scenarios];
  const expressions = list.map((pattern) => new RegExp(pattern.split('*').map(escapeRegExp).join('.*')));
  return scenarios.filter((scenario) => expressions.some((expression) => expression.test(scenario.name)));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
