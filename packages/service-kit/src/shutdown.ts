// Graceful shutdown on SIGTERM/SIGINT: runs the service's close function once, exits 0 when it
// finishes, exits 1 if it takes longer than the grace period or the user signals again.
import type { Logger } from './logger.js';

/**
 * A second signal this soon after the first is the same Ctrl-C delivered twice (once through the
 * terminal's process group, once forwarded by a supervisor such as `tsx watch` or turbo): ignored.
 */
const DUPLICATE_SIGNAL_MS = 1000;

export interface ShutdownOptions {
  graceMs?: number;
  exit?: (code: number) => void;
  now?: () => number;
}

/** The signal handler itself, separate from process wiring so it can be tested. */
export function createShutdownHandler(logger: Logger, closeService: () => Promise<void>, options: ShutdownOptions = {}): (signal: NodeJS.Signals) => void {
  const { graceMs = 10_000, exit = (code: number) => process.exit(code), now = Date.now } = options;
  let closingSince: number | undefined;
  return (signal) => {
    if (closingSince !== undefined) {
      if (now() - closingSince < DUPLICATE_SIGNAL_MS) return;
      logger.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    closingSince = now();
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ graceMs }, 'shutdown took too long: exiting');
      exit(1);
    }, graceMs);
    timer.unref();
    closeService().then(
      () => {
        clearTimeout(timer);
        logger.info('stopped');
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(timer);
        logger.error({ err: error }, 'error while shutting down');
        exit(1);
      },
    );
  };
}

export function handleShutdownSignals(logger: Logger, closeService: () => Promise<void>, graceMs = 10_000): void {
  const onSignal = createShutdownHandler(logger, closeService, { graceMs });
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** Runs a service's main function and turns a start-up failure (such as a ConfigError) into one clear line and exit code 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message}\n`);
    process.exit(1);
  });
}
