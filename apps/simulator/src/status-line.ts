// What the CLI shows while running: one live status line on a terminal (log-update, ~4x/s), or a
// structured pino line every ~10 s when stdout is not a terminal or --quiet was given.
import type { Logger } from '@gateway/service-kit';
import { createLogUpdate } from 'log-update';
import type { SimulatorStats } from './stats.js';

/** Messages per second over a sliding window of recent samples. */
export class RateMeter {
  private readonly samples: { at: number; count: number }[] = [];

  constructor(private readonly windowMs = 2000) {}

  /** Records the running total `count` at time `at` (ms) and returns the rate over the window. */
  sample(count: number, at: number): number {
    this.samples.push({ at, count });
    while (this.samples.length > 2 && (this.samples[1]?.at ?? at) <= at - this.windowMs) this.samples.shift();
    const first = this.samples[0];
    if (!first || at <= first.at) return 0;
    return ((count - first.count) * 1000) / (at - first.at);
  }
}

export function formatStatusLine(stats: SimulatorStats, rate: number, imagesEnabled: boolean): string {
  const parts = [
    stats.state,
    `sensors ${stats.connected}/${stats.sensors}`,
    `sent ${stats.sent}`,
    `${rate.toFixed(1)} msg/s`,
  ];
  if (stats.skipped > 0) parts.push(`skipped ${stats.skipped}`);
  if (imagesEnabled) parts.push(`images ${stats.imagesSent}${stats.imagePublisherConnected ? '' : ' (offline)'}`);
  if (stats.state !== 'connected' && stats.lastError !== undefined) parts.push(`last error: ${stats.lastError}`);
  return parts.join(' · ');
}

export interface StatusReporter {
  stop(): void;
}

export interface StatusReporterOptions {
  stats: () => SimulatorStats;
  imagesEnabled: boolean;
  /** Live line on this terminal stream; when undefined, log to `logger` every `logEveryMs`. */
  terminal: NodeJS.WriteStream | undefined;
  logger: Logger;
  refreshMs?: number;
  logEveryMs?: number;
}

export function startStatusReporter(options: StatusReporterOptions): StatusReporter {
  const { stats, imagesEnabled, terminal, logger, refreshMs = 250, logEveryMs = 10_000 } = options;
  const meter = new RateMeter(terminal ? 2000 : logEveryMs);
  meter.sample(stats().sent, Date.now());

  if (!terminal) {
    const timer = setInterval(() => {
      const snapshot = stats();
      const rate = meter.sample(snapshot.sent, Date.now());
      logger.info({ ...snapshot, rate: Math.round(rate * 10) / 10 }, 'simulator status');
    }, logEveryMs);
    return { stop: () => clearInterval(timer) };
  }

  const logUpdate = createLogUpdate(terminal);
  const render = () => {
    const snapshot = stats();
    logUpdate(formatStatusLine(snapshot, meter.sample(snapshot.sent, Date.now()), imagesEnabled));
  };
  render();
  const timer = setInterval(render, refreshMs);
  return {
    stop() {
      clearInterval(timer);
      render();
      logUpdate.done();
    },
  };
}
