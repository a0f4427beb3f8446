// The narrow interface the connection manager needs from an MQTT client, so the manager can be
// tested with a fake and the real one (MQTT.js over WebSocket) lives in one small adapter.
export type QoS = 0 | 1 | 2;

export interface IncomingMessage {
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly qos: QoS;
  readonly retain: boolean;
  /** Local receive time, ms since the epoch. */
  readonly ts: number;
}

export interface TransportOptions {
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
  readonly clean: boolean;
  readonly keepalive: number;
  readonly will?: { readonly topic: string; readonly payload: string; readonly qos: QoS; readonly retain: boolean };
}

export interface TransportEvents {
  onConnect(): void;
  /** The connection closed or a connection attempt failed. */
  onClose(): void;
  onError(error: Error): void;
  /**
   * The broker answered CONNECT with a refusal: the CONNACK return code (MQTT 3.1.1; reason code in
   * MQTT 5) and the client's description of it. The close follows (or came just before).
   */
  onRefused(code: number, reason: string): void;
  onMessage(message: IncomingMessage): void;
}

export interface Transport {
  subscribe(filter: string, qos: QoS): Promise<void>;
  unsubscribe(filter: string): Promise<void>;
  publish(topic: string, payload: Uint8Array | string, options: { qos: QoS; retain: boolean }): Promise<void>;
  /** Opens the connection again with the same options (after a close). */
  reconnect(): void;
  /** Closes for good; `force` skips the DISCONNECT handshake. */
  end(force?: boolean): Promise<void>;
}

export type TransportFactory = (url: string, options: TransportOptions, events: TransportEvents) => Transport;
