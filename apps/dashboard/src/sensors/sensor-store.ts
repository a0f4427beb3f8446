// Live state of every sensor seen on /IoTSensor/<id>/reading and /status: the typed last reading,
// min/max, online/offline and a bounded time series for its chart. Invalid payloads are kept raw.
import { signal } from '@preact/signals';
import { parseSensorReadingTopic, parseSensorStatusTopic, sensorReadings, sensorStatus, type SensorKind, type SensorStatus } from '@gateway/topics/sensors';
import { createFrameBatcher, type FrameBatcher } from '../lib/frame-batcher';
import { previewPayload } from '../lib/payload-format';
import type { ConnectionManager } from '../mqtt/connection';
import type { IncomingMessage } from '../mqtt/transport';
import { TimeSeries } from './time-series';

/** One hour at 10 readings per second. */
export const SERIES_CAPACITY = 36_000;

export interface InvalidPayload {
  readonly topic: string;
  readonly raw: string;
  readonly error: string;
  readonly ts: number;
}

export interface SensorState {
  readonly id: string;
  kind: SensorKind | undefined;
  unit: string | undefined;
  status: SensorStatus | undefined;
  /** Local time of the last message from this sensor (reading or status), ms. */
  lastSeen: number | undefined;
  lastValue: number | undefined;
  /** The reading's own timestamp, ms. */
  lastTs: number | undefined;
  lastSeq: number | undefined;
  /** Since the page opened. */
  min: number | undefined;
  max: number | undefined;
  readings: number;
  /** Readings whose sequence number skipped ahead (lost messages). */
  gaps: number;
  invalid: number;
  lastInvalid: InvalidPayload | undefined;
  readonly series: TimeSeries;
}

function createSensor(id: string, capacity: number): SensorState {
  return {
    id,
    kind: undefined,
    unit: undefined,
    status: undefined,
    lastSeen: undefined,
    lastValue: undefined,
    lastTs: undefined,
    lastSeq: undefined,
    min: undefined,
    max: undefined,
    readings: 0,
    gaps: 0,
    invalid: 0,
    lastInvalid: undefined,
    series: new TimeSeries(capacity),
  };
}

export interface SensorStoreOptions {
  readonly capacity?: number;
  readonly requestFrame?: (callback: () => void) => unknown;
}

export class SensorStore {
  readonly sensors = new Map<string, SensorState>();
  /** Bumped once per applied batch of messages. */
  readonly version = signal(0);
  private readonly batcher: FrameBatcher<IncomingMessage>;
  private readonly capacity: number;

  constructor(options: SensorStoreOptions = {}) {
    this.capacity = options.capacity ?? SERIES_CAPACITY;
    this.batcher = createFrameBatcher((items) => this.applyAll(items), {
      maxPending: 20_000,
      ...(options.requestFrame ? { requestFrame: options.requestFrame } : {}),
    });
  }

  /** Subscribes to the sensor topics on the connection and feeds every sensor message in. */
  attach(manager: ConnectionManager): () => void {
    const releaseReadings = manager.subscribe(sensorReadings.filter, sensorReadings.qos);
    const releaseStatus = manager.subscribe(sensorStatus.filter, sensorStatus.qos);
    const stop = manager.onMessage((message) => {
      if (parseSensorReadingTopic(message.topic) || parseSensorStatusTopic(message.topic)) this.batcher.push(message);
    });
    return () => {
      stop();
      void releaseReadings();
      void releaseStatus();
    };
  }

  /** Feeds one message (batched per frame). */
  add(message: IncomingMessage): void {
    this.batcher.push(message);
  }

  flush(): void {
    this.batcher.flush();
  }

  /** Sensors sorted by id. */
  list(): SensorState[] {
    return [...this.sensors.values()].sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
  }

  private sensor(id: string): SensorState {
    let state = this.sensors.get(id);
    if (!state) {
      state = createSensor(id, this.capacity);
      this.sensors.set(id, state);
    }
    return state;
  }

  private applyAll(items: readonly IncomingMessage[]): void {
    for (const item of items) this.apply(item);
    this.version.value += 1;
  }

  /** Applies one message now; returns whether it was a sensor topic. */
  apply(message: IncomingMessage): boolean {
    const reading = parseSensorReadingTopic(message.topic);
    if (reading) {
      this.applyReading(reading.sensorId, message);
      return true;
    }
    const status = parseSensorStatusTopic(message.topic);
    if (status) {
      this.applyStatus(status.sensorId, message);
      return true;
    }
    return false;
  }

  private applyReading(id: string, message: IncomingMessage): void {
    const state = this.sensor(id);
    state.lastSeen = message.ts;
    const decoded = sensorReadings.payload.decode(message.payload);
    if (!decoded.ok || decoded.value.sensorId !== id) {
      state.invalid += 1;
      state.lastInvalid = {
        topic: message.topic,
        raw: previewPayload(message.payload, 400),
        error: decoded.ok ? `sensorId ${decoded.value.sensorId} does not match the topic` : decoded.error,
        ts: message.ts,
      };
      return;
    }
    const value = decoded.value;
    if (state.lastSeq !== undefined && value.seq > state.lastSeq + 1) state.gaps += 1;
    state.kind = value.kind;
    state.unit = value.unit;
    state.lastValue = value.value;
    state.lastTs = value.ts;
    state.lastSeq = value.seq;
    state.readings += 1;
    state.min = state.min === undefined ? value.value : Math.min(state.min, value.value);
    state.max = state.max === undefined ? value.value : Math.max(state.max, value.value);
    // Readings can arrive out of order after a reconnect; the chart's series must stay sorted.
    if (state.series.length === 0 || value.ts >= (state.series.lastTime() ?? 0)) state.series.push(value.ts, value.value);
  }

  private applyStatus(id: string, message: IncomingMessage): void {
    // An empty retained message clears the status: the sensor is no longer known to the broker.
    if (message.payload.length === 0) {
      const existing = this.sensors.get(id);
      if (existing) existing.status = undefined;
      return;
    }
    const state = this.sensor(id);
    const decoded = sensorStatus.payload.decode(message.payload);
    if (!decoded.ok) {
      state.invalid += 1;
      state.lastInvalid = { topic: message.topic, raw: previewPayload(message.payload, 400), error: decoded.error, ts: message.ts };
      return;
    }
    state.status = decoded.value;
    if (!message.retain) state.lastSeen = message.ts;
  }
}
