// How results are shown: one JSON line per run, a plain-text table per scenario with each run and the
// medians per target, the ratios ours/reference, proxy/direct (and nginx/direct with --nginx-hop), and a
// closing summary of all scenarios.
import type { IdleRunResult } from './idle-run.js';
import type { LoadRunResult } from './load-run.js';
import { median, ratio } from './stats.js';

export type RunResult = (LoadRunResult & { kind: 'load'; round: number }) | (IdleRunResult & { kind: 'idle'; round: number });

/** Pairs of targets whose medians are divided: the first over the second. */
export const comparisons = [
  { label: 'ours/reference', ours: 'ours-proxy', reference: 'reference' },
  { label: 'proxy/direct', ours: 'ours-proxy', reference: 'ours-direct' },
  // --nginx-hop: what the same hop keeps of our broker's throughput when the proxy is NGINX.
  { label: 'nginx/direct', ours: 'ours-nginx', reference: 'ours-direct' },
] as const;

export interface ScenarioSummary {
  scenario: string;
  kind: 'load' | 'idle';
  /** Median of each metric over the rounds, per target. */
  medians: Record<string, Record<string, number>>;
  /** Ratio of the medians, per comparison label, per metric. */
  ratios: Record<string, Record<string, number>>;
}

/** The metrics that get medians and ratios. */
function metricsOf(result: RunResult): Record<string, number> {
  if (result.kind === 'idle') {
    return {
      brokerBytesPerConnection: result.brokerBytesPerConnection ?? Number.NaN,
      proxyBytesPerConnection: result.proxyBytesPerConnection ?? Number.NaN,
      failed: result.failed,
    };
  }
  return {
    receivedPerSecond: result.receivedPerSecond,
    sentPerSecond: result.sentPerSecond,
    lost: result.lost,
    p50Ms: result.latencyMs.p50,
    p90Ms: result.latencyMs.p90,
    p99Ms: result.latencyMs.p99,
    maxMs: result.latencyMs.max,
    loadGeneratorCpu: result.cpuPercent['loadGenerator'] ?? Number.NaN,
    brokerCpu: result.cpuPercent['broker'] ?? Number.NaN,
    proxyCpu: result.cpuPercent['proxy'] ?? Number.NaN,
    sutCpuMicrosPerMessage: cpuMicrosPerMessage(result),
  };
}

/** CPU time the broker and proxy spent per delivered message, in microseconds (NaN when unknown). */
export function cpuMicrosPerMessage(result: LoadRunResult): number {
  const broker = result.cpuPercent['broker'];
  if (broker === undefined || result.receivedPerSecond === 0) return Number.NaN;
  const cores = (broker + (result.cpuPercent['proxy'] ?? 0)) / 100;
  return Math.round((cores / result.receivedPerSecond) * 1e7) / 10;
}

export function summarizeScenario(scenario: string, results: readonly RunResult[]): ScenarioSummary {
  const kind = results[0]?.kind ?? 'load';
  const byTarget = new Map<string, Record<string, number>[]>();
  for (const result of results) {
    const list = byTarget.get(result.target) ?? [];
    list.push(metricsOf(result));
    byTarget.set(result.target, list);
  }
  const medians: Record<string, Record<string, number>> = {};
  for (const [target, list] of byTarget) {
    const names = Object.keys(list[0] ?? {});
    medians[target] = Object.fromEntries(names.map((name) => [name, median(list.map((metrics) => metrics[name] ?? Number.NaN))]));
  }
  const ratios: Record<string, Record<string, number>> = {};
  for (const { label, ours, reference } of comparisons) {
    const a = medians[ours];
    const b = medians[reference];
    if (a === undefined || b === undefined) continue;
    const names = kind === 'idle' ? ['brokerBytesPerConnection', 'proxyBytesPerConnection', 'totalBytesPerConnection'] : ['receivedPerSecond', 'p50Ms', 'p99Ms', 'sutCpuMicrosPerMessage'];
    const value = (metrics: Record<string, number>, name: string) =>
      name === 'totalBytesPerConnection' ? (metrics['brokerBytesPerConnection'] ?? Number.NaN) + (Number.isNaN(metrics['proxyBytesPerConnection']) ? 0 : (metrics['proxyBytesPerConnection'] ?? 0)) : (metrics[name] ?? Number.NaN);
    // Exact: rounded only where printed (a ratio rounded to 3 decimals and then to 2 can come out one off).
    ratios[label] = Object.fromEntries(names.map((name) => [name, ratio(value(a, name), value(b, name))]));
  }
  return { scenario, kind, medians, ratios };
}

/** One JSON line for a run (NaN becomes null, as JSON has no NaN). */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'number' && !Number.isFinite(item) ? null : item));
}

/** A left-aligned first column and right-aligned others, padded to the widest cell. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** A number for a table: thousands separated, a fixed number of decimals, '-' when unknown. */
export function cell(value: number | undefined, decimals = 0): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

function ratioCell(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '-' : `${value.toFixed(2)}x`;
}

export function scenarioTable(scenario: string, results: readonly RunResult[], summary: ScenarioSummary): string {
  const parts = [`\n== ${scenario} ==`];
  if (summary.kind === 'idle') {
    const rows = results.map((result) =>
      result.kind === 'idle'
        ? [result.target, String(result.round), cell(result.opened), cell(result.failed), kib(result.brokerBytesPerConnection), kib(result.proxyBytesPerConnection)]
        : [],
    );
    const medianRows = Object.entries(summary.medians).map(([target, metrics]) => [`median ${target}`, '', '', cell(metrics['failed']), kib(metrics['brokerBytesPerConnection']), kib(metrics['proxyBytesPerConnection'])]);
    parts.push(formatTable(['target', 'round', 'opened', 'failed', 'broker KiB/conn', 'proxy KiB/conn'], [...rows, ...medianRows]));
    for (const [label, metrics] of Object.entries(summary.ratios)) {
      parts.push(`${label}: broker ${ratioCell(metrics['brokerBytesPerConnection'])}, proxy ${ratioCell(metrics['proxyBytesPerConnection'])}, together ${ratioCell(metrics['totalBytesPerConnection'])}`);
    }
    return parts.join('\n');
  }
  const rows = results.map((result) =>
    result.kind === 'load'
      ? [
          result.target,
          String(result.round),
          cell(result.sent),
          cell(result.received),
          cell(result.lost),
          cell(result.receivedPerSecond),
          cell(result.latencyMs.p50, 2),
          cell(result.latencyMs.p90, 2),
          cell(result.latencyMs.p99, 2),
          cell(result.latencyMs.max, 1),
          cell(result.cpuPercent['loadGenerator']),
          cell(result.cpuPercent['broker']),
          cell(result.cpuPercent['proxy']),
        ]
      : [],
  );
  const medianRows = Object.entries(summary.medians).map(([target, metrics]) => [
    `median ${target}`,
    '',
    '',
    '',
    cell(metrics['lost']),
    cell(metrics['receivedPerSecond']),
    cell(metrics['p50Ms'], 2),
    cell(metrics['p90Ms'], 2),
    cell(metrics['p99Ms'], 2),
    cell(metrics['maxMs'], 1),
    cell(metrics['loadGeneratorCpu']),
    cell(metrics['brokerCpu']),
    cell(metrics['proxyCpu']),
  ]);
  parts.push(formatTable(['target', 'round', 'sent', 'received', 'lost', 'msgs/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'gen %cpu', 'broker %cpu', 'proxy %cpu'], [...rows, ...medianRows]));
  for (const [label, metrics] of Object.entries(summary.ratios)) {
    parts.push(
      `${label}: msgs/s ${ratioCell(metrics['receivedPerSecond'])}, p50 ${ratioCell(metrics['p50Ms'])}, p99 ${ratioCell(metrics['p99Ms'])}, CPU per message ${ratioCell(metrics['sutCpuMicrosPerMessage'])}`,
    );
  }
  return parts.join('\n');
}

function kib(bytes: number | undefined): string {
  return bytes === undefined ? '-' : cell(bytes / 1024, 1);
}

/** The closing table: one line per scenario with the medians of every target and the ratios. */
export function summaryTable(summaries: readonly ScenarioSummary[], targets: readonly string[]): string {
  const labels = comparisons.map((comparison) => comparison.label).filter((label) => summaries.some((summary) => label in summary.ratios));
  const headers = ['scenario', ...targets.map((target) => `${target} msgs/s | p99 ms`), ...labels.map((label) => `${label} msgs/s | p99`)];
  const rows = summaries.map((summary) => {
    if (summary.kind === 'idle') {
      return [
        summary.scenario,
        ...targets.map((target) => {
          const metrics = summary.medians[target];
          return metrics === undefined ? '-' : `${kib(metrics['brokerBytesPerConnection'])} + ${kib(metrics['proxyBytesPerConnection'])} KiB/conn`;
        }),
        ...labels.map((label) => `${ratioCell(summary.ratios[label]?.['totalBytesPerConnection'])} memory`),
      ];
    }
    return [
      summary.scenario,
      ...targets.map((target) => {
        const metrics = summary.medians[target];
        return metrics === undefined ? '-' : `${cell(metrics['receivedPerSecond'])} | ${cell(metrics['p99Ms'], 1)}`;
      }),
      ...labels.map((label) => `${ratioCell(summary.ratios[label]?.['receivedPerSecond'])} | ${ratioCell(summary.ratios[label]?.['p99Ms'])}`),
    ];
  });
  return `\n== summary (medians) ==\n${formatTable(headers, rows)}`;
}
