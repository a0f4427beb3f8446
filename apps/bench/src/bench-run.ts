// Runs the selected scenarios against the targets: for each scenario, `rounds` rounds that each visit
// every target in turn (A B A B ...), printing a JSON line per run, then the scenario's table of runs,
// medians and ratios; a closing summary of all scenarios at the end.
import { runIdleScenario } from './idle-run.js';
import { runLoadScenario } from './load-run.js';
import type { BenchOptions } from './options.js';
import { jsonLine, scenarioTable, summarizeScenario, summaryTable, type RunResult, type ScenarioSummary } from './report.js';
import type { Scenario } from './scenarios.js';
import type { Target } from './targets.js';

/** Runs `measure` on a freshly started copy of `target` when it has one (closed afterwards), else on `target`. */
async function onFreshCopy<T>(target: Target, measure: (target: Target) => Promise<T>): Promise<T> {
  if (target.startFresh === undefined) return measure(target);
  const fresh = await target.startFresh();
  try {
    return await measure(fresh.target);
  } finally {
    await fresh.close();
  }
}

export interface BenchReport {
  startedAt: string;
  options: Omit<BenchOptions, 'targets'>;
  targets: { name: string; urls: Target['urls'] }[];
  runs: RunResult[];
  summaries: ScenarioSummary[];
  /** Runs that failed, with the reason. */
  failures: { scenario: string; target: string; round: number; error: string }[];
}

export async function runBench(targets: readonly Target[], scenarios: readonly Scenario[], options: BenchOptions, print: (line: string) => void): Promise<BenchReport> {
  const { targets: _targetUrls, ...shownOptions } = options;
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    options: shownOptions,
    targets: targets.map((target) => ({ name: target.name, urls: target.urls })),
    runs: [],
    summaries: [],
    failures: [],
  };
  for (const scenario of scenarios) {
    const applicable = targets.filter((target) => target.urls[scenario.transport] !== undefined);
    if (applicable.length === 0) continue;
    const results: RunResult[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      for (const target of applicable) {
        try {
          const result: RunResult =
            scenario.kind === 'idle'
              ? { kind: 'idle', round, ...(await onFreshCopy(target, (fresh) => runIdleScenario(fresh, scenario, { holdMs: options.idleHoldMs, concurrency: 50 }))) }
              : {
                  kind: 'load',
                  round,
                  ...(await runLoadScenario(target, scenario, {
                    durationMs: options.durationMs,
                    threads: options.threads,
                    window: options.window,
                    qos0Window: options.qos0Window,
                    rate: options.rate,
                    drainTimeoutMs: options.drainTimeoutMs,
                    sampleCapacity: 200_000,
                  })),
                };
          results.push(result);
          print(jsonLine(result));
        } catch (error) {
          const failure = { scenario: scenario.name, target: target.name, round, error: (error as Error).message };
          report.failures.push(failure);
          print(jsonLine({ ...failure, failed: true }));
        }
      }
    }
    report.runs.push(...results);
    if (results.length === 0) continue;
    const summary = summarizeScenario(scenario.name, results);
    report.summaries.push(summary);
    print(jsonLine({ summary: scenario.name, medians: summary.medians, ratios: summary.ratios }));
    print(scenarioTable(scenario.name, results, summary));
  }
  if (report.summaries.length > 0) print(summaryTable(report.summaries, targets.map((target) => target.name)));
  if (report.failures.length > 0) print(`\n${String(report.failures.length)} run(s) failed:\n  ${report.failures.map((failure) => `${failure.scenario} on ${failure.target} (round ${String(failure.round)}): ${failure.error}`).join('\n  ')}`);
  return report;
}
