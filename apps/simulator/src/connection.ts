// One MQTT.js connection as the simulator uses it: clean session, quick reconnects, nothing queued
// while offline, and its state (up, down, last error) tracked for the status line.
import type { Logger } from '@gateway/service-kit';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Rng } from './random-walk.js';
import type { SimulatorCounters } from './stats.js';

/** Above this many unacknowledged publishes, further ones are skipped rather than buffered. */
export const MAX_PENDING_PUBLISHES = 100;

export interface ConnectionOptions {
  url: string;
  clientId: string;
  username?: string | undefined;
  password?: string | undefined;
  reconnectPeriodMs: number;
  /** The message the broker publishes if the connection drops without a DISCONNECT. */
  will?: { topic: string; payload: Uint8Array; how: PublishHow };
  logger: Logger;
  /** Called on every change of `connected` and on errors, so the owner can recompute its state. */
  onChange: () => void;
  /** Called after each successful CONNACK (first connect and every reconnect). */
  onConnect: () => void;
}

/** What every publisher of the simulator (a sensor, the image publisher) is given. */
export interface PublisherSettings {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  intervalMs: number;
  reconnectPeriodMs: number;
  rng: Rng;
  counters: SimulatorCounters;
  logger: Logger;
  onChange: () => void;
}

/** QoS and retain flag of a publish; a topic definition from @gateway/topics fits. */
export interface PublishHow {
  readonly qos: 0 | 1 | 2;
  readonly retain: boolean;
}

export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A managed MQTT.js client: publishes only while connected, with a bound on unacknowledged publishes. */
export class SimulatorConnection {
  readonly client: MqttClient;
  lastError: string | undefined;
  private pending = 0;
  private closed = false;

  constructor(private readonly options: ConnectionOptions) {
    const { url, clientId, username, password, reconnectPeriodMs, will, logger } = options;
    const clientOptions: IClientOptions = {
      clientId,
      clean: true,
      reconnectPeriod: reconnectPeriodMs,
      connectTimeout: 5000,
      keepalive: 30,
      queueQoSZero: false,
      resubscribe: false,
    };
    if (username !== undefined) clientOptions.username = username;
    if (password !== undefined) clientOptions.password = password;
    if (will) clientOptions.will = { topic: will.topic, payload: toBuffer(will.payload), qos: will.how.qos, retain: will.how.retain };

    this.client = connect(url, clientOptions);
    this.client.on('connect', () => {
      logger.debug({ clientId, url }, 'connected');
      this.lastError = undefined;
      options.onConnect();
      options.onChange();
    });
    this.client.on('close', () => {
      if (!this.closed) logger.debug({ clientId, url }, 'connection closed');
      this.pending = 0;
      options.onChange();
    });
    this.client.on('error', (error) => {
      const message = describeError(error);
      // Reconnect attempts repeat the same error every period: log it once per change. The owner
      // summarises errors across connections, so this is debug detail.
      if (message !== this.lastError) logger.debug({ clientId, url, err: message }, 'connection error');
      this.lastError = message;
      options.onChange();
    });
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /**
   * Publishes if connected and not backed up; returns false (and publishes nothing) otherwise.
   * `onDone` runs once the publish is written (QoS0) or acknowledged (QoS1), with any error.
   */
  tryPublish(topic: string, payload: Uint8Array, how: PublishHow, onDone: (error?: Error) => void): boolean {
    if (this.closed || !this.client.connected || this.pending >= MAX_PENDING_PUBLISHES) return false;
    this.pending += 1;
    this.client.publish(topic, toBuffer(payload), { qos: how.qos, retain: how.retain }, (error) => {
      this.pending = Math.max(0, this.pending - 1);
      onDone(error);
    });
    return true;
  }

  /**
   * Stops reconnecting and ends the connection. If connected, first publishes `farewell` (retained,
   * QoS1) and waits up to `timeoutMs` for its acknowledgement, then disconnects cleanly.
   */
  async close(farewell?: { topic: string; payload: Uint8Array; how: PublishHow }, timeoutMs = 2000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.client.connected) {
      await this.client.endAsync(true);
      return;
    }
    if (farewell) {
      const published = this.client.publishAsync(farewell.topic, toBuffer(farewell.payload), { qos: farewell.how.qos, retain: farewell.how.retain });
      const acknowledged = await withTimeout(published, timeoutMs);
      if (!acknowledged) this.options.logger.warn({ clientId: this.options.clientId }, 'farewell publish not acknowledged in time');
    }
    const ended = await withTimeout(this.client.endAsync(), timeoutMs);
    if (!ended) await this.client.endAsync(true);
  }
}

/** Resolves true if `promise` settles successfully within `ms`, false if it fails or times out. */
async function withTimeout(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describeError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code !== undefined && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}
