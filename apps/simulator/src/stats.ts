// The simulator's counters and the snapshot `stats()` returns, with the overall connection state.

/** Mutable counters the sensors and the image publisher add to. */
export interface SimulatorCounters {
  /** Readings written to the broker. */
  sent: number;
  /** Readings not published because the connection was down or backed up (or the publish failed). */
  skipped: number;
  /** Image selections acknowledged by the broker. */
  imagesSent: number;
  /** Image selections not published because the connection was down or backed up. */
  imagesSkipped: number;
}

/**
 * `connecting`: nothing has connected yet; `connected`: every connection is up; `degraded`: some are
 * up; `disconnected`: all are down after having been up (MQTT.js keeps reconnecting); `closed`: closed.
 */
export type ConnectionState = 'connecting' | 'connected' | 'degraded' | 'disconnected' | 'closed';

export interface SimulatorStats {
  sent: number;
  skipped: number;
  imagesSent: number;
  imagesSkipped: number;
  /** Sensors currently connected. */
  connected: number;
  /** Sensors in total. */
  sensors: number;
  /** Whether the image publisher is connected (false when it is disabled). */
  imagePublisherConnected: boolean;
  state: ConnectionState;
  /** The most recent connection error, until the next successful connect. */
  lastError: string | undefined;
}

export function createCounters(): SimulatorCounters {
  return { sent: 0, skipped: 0, imagesSent: 0, imagesSkipped: 0 };
}

/** The overall state from how many connections are up out of how many, and whether any ever was. */
export function connectionState(up: number, total: number, everConnected: boolean, closed: boolean): ConnectionState {
  if (closed) return 'closed';
  if (total > 0 && up === total) return 'connected';
  if (up > 0) return 'degraded';
  return everConnected ? 'disconnected' : 'connecting';
}
