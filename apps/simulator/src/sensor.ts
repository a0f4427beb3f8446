// One simulated sensor: its own MQTT connection, a retained online/offline status (offline also as
// its last will), and a reading from its random walk every interval.
import { SENSOR_KINDS, sensorReadings, sensorReadingTopic, sensorStatus, sensorStatusTopic, type SensorKind } from '@gateway/topics';
import { SimulatorConnection, type PublisherSettings } from './connection.js';
import { createRandomWalk, SENSOR_RANGES, type RandomWalk } from './random-walk.js';

export interface SensorOptions extends PublisherSettings {
  sensorId: string;
  kind: SensorKind;
}

/** `Sensor01`, `Sensor02`... with at least two digits, more when there are 100 or more sensors. */
export function sensorIds(prefix: string, count: number): string[] {
  const width = Math.max(2, String(count).length);
  return Array.from({ length: count }, (_, index) => `${prefix}${String(index + 1).padStart(width, '0')}`);
}

export class SimulatedSensor {
  readonly connection: SimulatorConnection;
  private readonly walk: RandomWalk;
  private readonly readingTopic: string;
  private readonly statusTopic: string;
  private seq = 0;
  private started = false;
  private closing = false;
  private startTimer: NodeJS.Timeout | undefined;
  private readingTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SensorOptions) {
    const { sensorId, kind, rng, logger } = options;
    this.walk = createRandomWalk(SENSOR_RANGES[kind], rng);
    this.readingTopic = sensorReadingTopic(sensorId);
    this.statusTopic = sensorStatusTopic(sensorId);
    this.connection = new SimulatorConnection({
      url: options.url,
      clientId: `${sensorId}-sim`,
      username: options.username,
      password: options.password,
      reconnectPeriodMs: options.reconnectPeriodMs,
      will: { topic: this.statusTopic, payload: sensorStatus.payload.encode('offline'), how: sensorStatus },
      logger: logger.child({ sensorId }),
      onChange: options.onChange,
      onConnect: () => {
        this.publishOnline();
        this.startReadings();
      },
    });
  }

  get sensorId(): string {
    return this.options.sensorId;
  }

  get connected(): boolean {
    return this.connection.connected;
  }

  /** Stops the readings, publishes a retained `offline` if connected, and ends the connection. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.startTimer);
    clearInterval(this.readingTimer);
    await this.connection.close({ topic: this.statusTopic, payload: sensorStatus.payload.encode('offline'), how: sensorStatus });
  }

  /**
   * Starts the readings on the first connect (later outages skip readings instead), staggered over
   * the first interval so N sensors do not all publish in the same tick.
   */
  private startReadings(): void {
    if (this.started || this.closing) return;
    this.started = true;
    const { intervalMs, rng } = this.options;
    this.startTimer = setTimeout(() => {
      this.startTimer = undefined;
      this.readingTimer = setInterval(() => this.publishReading(), intervalMs);
      this.publishReading();
    }, Math.floor(rng() * Math.min(intervalMs, 1000)));
  }

  private publishOnline(): void {
    const { sensorId, logger } = this.options;
    this.connection.tryPublish(this.statusTopic, sensorStatus.payload.encode('online'), sensorStatus, (error) => {
      if (error) logger.warn({ sensorId, err: error.message }, 'could not publish online status');
    });
  }

  private publishReading(): void {
    const { sensorId, kind, counters } = this.options;
    const payload = sensorReadings.payload.encode({
      sensorId,
      kind,
      value: this.walk.next(),
      unit: SENSOR_KINDS[kind],
      ts: Date.now(),
      seq: this.seq,
    });
    // The sequence number advances even for a skipped reading, so consumers can see the gap.
    this.seq += 1;
    const accepted = this.connection.tryPublish(this.readingTopic, payload, sensorReadings, (error) => {
      if (error) counters.skipped += 1;
      else counters.sent += 1;
    });
    if (!accepted) counters.skipped += 1;
  }
}
