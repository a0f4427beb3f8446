#!/usr/bin/env node
// The simulator CLI: parse flags and env, start the sensors and image publisher, show the status,
// and on Ctrl-C / SIGTERM / --duration publish offline statuses and exit 0.
import { createLogger, handleShutdownSignals, runMain } from '@gateway/service-kit';
import { parseCommandLine, userArgs } from './cli.js';
import type { SimulatorConfig } from './config.js';
import { startSimulator } from './simulator.js';
import { startStatusReporter } from './status-line.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** With the live status line, only warnings and worse are logged, so log lines rarely break it. */
function effectiveLogLevel(config: SimulatorConfig, live: boolean): SimulatorConfig['logLevel'] {
  if (!live) return config.logLevel;
  return LEVELS.indexOf(config.logLevel) >= LEVELS.indexOf('warn') ? config.logLevel : 'warn';
}

async function main(): Promise<void> {
  const config = parseCommandLine(userArgs(process.argv));
  // A terminal that reports 0 rows (some `docker run -t` set-ups) would show nothing: log lines instead.
  const live = process.stdout.isTTY && !config.quiet && process.stdout.rows > 0;
  const logger = createLogger('simulator', effectiveLogLevel(config, live));

  const simulator = await startSimulator({
    url: config.url,
    sensors: config.sensors,
    intervalMs: config.intervalMs,
    imagesIntervalMs: config.imagesIntervalMs,
    prefix: config.prefix,
    username: config.username,
    password: config.password,
    logger,
  });
  const reporter = startStatusReporter({
    stats: () => simulator.stats(),
    imagesEnabled: config.imagesIntervalMs > 0,
    terminal: live ? process.stdout : undefined,
    logger,
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      try {
        await simulator.close();
      } finally {
        reporter.stop();
      }
    })();
    return stopping;
  };
  handleShutdownSignals(logger, stop);

  if (config.durationMs > 0) {
    setTimeout(() => {
      logger.info({ durationMs: config.durationMs }, 'duration reached: stopping');
      stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'error while stopping');
          process.exit(1);
        },
      );
    }, config.durationMs).unref();
  }
}

runMain(main);
