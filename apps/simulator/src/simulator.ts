// Starts N simulated sensors and the image publisher against one MQTT URL and tracks their stats.
import { createLogger, type Logger } from '@gateway/service-kit';
import { ImagePublisher } from './image-publisher.js';
import { createRng, sensorKindFor } from './random-walk.js';
import { SimulatedSensor, sensorIds } from './sensor.js';
import { connectionState, createCounters, type ConnectionState, type SimulatorStats } from './stats.js';

export interface SimulatorOptions {
  /** MQTT URL, e.g. mqtt://localhost:18831 (the proxy). */
  url: string;
  /** How many sensors, each with its own connection; default 5. */
  sensors?: number;
  /** Milliseconds between readings of each sensor; default 1000. */
  intervalMs?: number;
  /** Milliseconds between image selections; 0 disables the image publisher; default 5000. */
  imagesIntervalMs?: number;
  /** Sensor id prefix; ids are `<prefix>01`, `<prefix>02`...; default `Sensor`. */
  prefix?: string;
  username?: string | undefined;
  password?: string | undefined;
  /** Milliseconds between reconnect attempts; default 1000. */
  reconnectPeriodMs?: number;
  /** Seed for the random walks and image choices, for reproducible runs; random by default. */
  seed?: number;
  /** Where to log connection state changes; silent by default. */
  logger?: Logger;
}

export interface StartedSimulator extends AsyncDisposable {
  /** The sensor ids, in order. */
  readonly sensorIds: readonly string[];
  /** A snapshot of the counters and connection state. */
  stats(): SimulatorStats;
  /** Stops publishing, publishes retained `offline` for each connected sensor and ends every connection. */
  close(): Promise<void>;
}

/** Starts the sensors and the image publisher; connections are made (and retried) in the background. */
export function startSimulator(options: SimulatorOptions): Promise<StartedSimulator> {
  try {
    return Promise.resolve(createSimulator(options));
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function createSimulator(options: SimulatorOptions): StartedSimulator {
  const { url, sensors = 5, intervalMs = 1000, imagesIntervalMs = 5000, prefix = 'Sensor', reconnectPeriodMs = 1000 } = options;
  if (!Number.isInteger(sensors) || sensors < 1) throw new RangeError(`sensors must be a whole number >= 1, got ${sensors}`);
  if (!(intervalMs > 0)) throw new RangeError(`intervalMs must be > 0, got ${intervalMs}`);
  if (!(imagesIntervalMs >= 0)) throw new RangeError(`imagesIntervalMs must be >= 0, got ${imagesIntervalMs}`);
  const logger = options.logger ?? createLogger('simulator', 'silent');
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  const counters = createCounters();
  const ids = sensorIds(prefix, sensors);

  let everConnected = false;
  let closing: Promise<void> | undefined;
  let closed = false;
  let lastState: ConnectionState = 'connecting';
  let lastLoggedError: string | undefined;
  const onChange = () => {
    const snapshot = stats();
    if (snapshot.connected > 0 || snapshot.imagePublisherConnected) everConnected = true;
    if (closing === undefined && snapshot.lastError !== undefined && snapshot.lastError !== lastLoggedError && snapshot.state !== 'connected') {
      logger.info({ state: snapshot.state, url, err: snapshot.lastError }, 'connection problem: retrying');
    }
    lastLoggedError = snapshot.lastError;
    // While closing, connections going down one by one is expected: only 'closed' is worth a line.
    const state = snapshot.state;
    if (state === lastState || (closing !== undefined && state !== 'closed')) return;
    lastState = state;
    const fields = { state, connected: snapshot.connected, sensors, imagePublisherConnected: snapshot.imagePublisherConnected, url };
    if (state === 'disconnected') logger.warn({ ...fields, lastError: snapshot.lastError }, 'all connections lost: reconnecting');
    else logger.info(fields, `connection state: ${state}`);
  };

  const common = { url, username: options.username, password: options.password, reconnectPeriodMs, counters, logger, onChange };
  const simulated = ids.map(
    (sensorId, index) => new SimulatedSensor({ ...common, sensorId, kind: sensorKindFor(index), intervalMs, rng: createRng(seed + index) }),
  );
  const images =
    imagesIntervalMs > 0
      ? new ImagePublisher({ ...common, clientId: `${prefix}-images-sim`, intervalMs: imagesIntervalMs, rng: createRng(seed + sensors) })
      : undefined;
  logger.info({ url, sensors, intervalMs, imagesIntervalMs, firstSensor: ids[0], seed }, 'simulator started');

  function stats(): SimulatorStats {
    const connected = simulated.filter((sensor) => sensor.connected).length;
    const imagePublisherConnected = images?.connected ?? false;
    const total = simulated.length + (images ? 1 : 0);
    const up = connected + (imagePublisherConnected ? 1 : 0);
    const lastError = [...simulated.map((sensor) => sensor.connection.lastError), images?.connection.lastError].find((error) => error !== undefined);
    return {
      ...counters,
      connected,
      sensors: simulated.length,
      imagePublisherConnected,
      state: connectionState(up, total, everConnected, closed),
      lastError,
    };
  }

  const close = (): Promise<void> => {
    closing ??= (async () => {
      const results = await Promise.allSettled([...simulated.map((sensor) => sensor.close()), images?.close()]);
      closed = true;
      onChange();
      const failures = results.filter((result) => result.status === 'rejected');
      logger.info({ sent: counters.sent, skipped: counters.skipped, imagesSent: counters.imagesSent, failures: failures.length }, 'simulator stopped');
      if (failures[0]) throw failures[0].reason instanceof Error ? failures[0].reason : new Error(String(failures[0].reason));
    })();
    return closing;
  };

  return { sensorIds: ids, stats, close, [Symbol.asyncDispose]: close };
}
