// The dashboard's one MQTT connection: state as signals (always shown in the header), automatic
// reconnect with backoff (but none after the broker refused the credentials: that needs a login),
// and reference-counted subscriptions that are renewed on every reconnect.
import { batch, signal } from '@preact/signals';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from '../lib/backoff';
import { describeRefusal, isAuthRefusal, type ConnectRefusal } from './refusal';
import type { IncomingMessage, QoS, Transport, TransportFactory, TransportOptions } from './transport';

/** `unauthorized`: the broker refused the credentials; nothing is retried until the next `connect`. */
export type ConnectionStatus = 'disconnected' | 'connecting' | 'connected' | 'reconnecting' | 'unauthorized';

export interface ReconnectInfo {
  /** 1 for the first retry. */
  readonly attempt: number;
  /** When the next attempt starts, ms since the epoch. */
  readonly at: number;
}

interface SubscriptionEntry {
  /** Owner token -> requested QoS. */
  readonly owners: Map<symbol, QoS>;
  granted: boolean;
}

export interface ConnectionManagerOptions {
  readonly factory: TransportFactory;
  readonly backoff?: BackoffOptions;
  readonly now?: () => number;
}

export class ConnectionManager {
  readonly status = signal<ConnectionStatus>('disconnected');
  readonly lastError = signal<string | undefined>(undefined);
  readonly reconnect = signal<ReconnectInfo | undefined>(undefined);
  readonly clientId = signal('');
  readonly url = signal('');
  /** When the current connection was established. */
  readonly connectedAt = signal<number | undefined>(undefined);
  /** Why the broker refused the credentials, while the status is `unauthorized`. */
  readonly refusal = signal<ConnectRefusal | undefined>(undefined);

  private transport: Transport | undefined;
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscriptions = new Map<string, SubscriptionEntry>();
  private readonly listeners = new Set<(message: IncomingMessage) => void>();
  private readonly factory: TransportFactory;
  private readonly backoff: BackoffOptions;
  private readonly now: () => number;

  constructor(options: ConnectionManagerOptions) {
    this.factory = options.factory;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.now = options.now ?? Date.now;
  }

  /** Connects (closing any current connection first). */
  connect(url: string, options: TransportOptions): void {
    this.teardown();
    batch(() => {
      this.status.value = 'connecting';
      this.lastError.value = undefined;
      this.reconnect.value = undefined;
      this.refusal.value = undefined;
      this.url.value = url;
      this.clientId.value = options.clientId;
    });
    this.attempts = 0;
    let transport: Transport | undefined;
    const isCurrent = (): boolean => transport !== undefined && this.transport === transport;
    try {
      transport = this.factory(url, options, {
        onConnect: () => {
          if (!isCurrent()) return;
          this.attempts = 0;
          batch(() => {
            this.status.value = 'connected';
            this.reconnect.value = undefined;
            this.lastError.value = undefined;
            this.connectedAt.value = this.now();
          });
          this.renewSubscriptions();
        },
        onClose: () => {
          if (isCurrent()) this.scheduleReconnect();
        },
        onError: (error) => {
          if (isCurrent()) this.lastError.value = error.message;
        },
        onRefused: (code, reason) => {
          if (!isCurrent()) return;
          if (isAuthRefusal(code)) this.refuseCredentials(describeRefusal(code, reason));
          else this.lastError.value = reason;
        },
        onMessage: (message) => {
          if (!isCurrent()) return;
          for (const listener of this.listeners) {
            try {
              listener(message);
            } catch (error) {
              console.error('message listener failed', { topic: message.topic, error });
            }
          }
        },
      });
      this.transport = transport;
    } catch (error) {
      batch(() => {
        this.status.value = 'disconnected';
        this.lastError.value = error instanceof Error ? error.message : String(error);
      });
    }
  }

  /** Disconnects on the user's request: no reconnect follows. */
  async disconnect(): Promise<void> {
    const transport = this.transport;
    this.teardown();
    batch(() => {
      this.status.value = 'disconnected';
      this.reconnect.value = undefined;
      this.connectedAt.value = undefined;
      this.refusal.value = undefined;
    });
    if (transport) await transport.end().catch(() => undefined);
  }

  /** Skips the remaining backoff and tries again now. */
  retryNow(): void {
    if (this.status.value !== 'reconnecting' || !this.transport) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.reconnect.value = undefined;
    this.transport.reconnect();
  }

  /**
   * Adds a subscription owned by the caller and returns the function that releases it. A filter is
   * subscribed once whatever the number of owners, at the highest QoS asked for.
   */
  subscribe(filter: string, qos: QoS): () => Promise<void> {
    const owner = Symbol(filter);
    let entry = this.subscriptions.get(filter);
    const before = entry ? maxQos(entry) : undefined;
    if (!entry) {
      entry = { owners: new Map(), granted: false };
      this.subscriptions.set(filter, entry);
    }
    entry.owners.set(owner, qos);
    if (this.status.value === 'connected' && (before === undefined || qos > before)) void this.sendSubscribe(filter, entry);
    return async () => {
      const current = this.subscriptions.get(filter);
      if (!current?.owners.delete(owner)) return;
      if (current.owners.size > 0) return;
      this.subscriptions.delete(filter);
      if (this.status.value === 'connected' && this.transport) await this.transport.unsubscribe(filter).catch(() => undefined);
    };
  }

  /** The filters currently subscribed (or to be subscribed on connect). */
  filters(): string[] {
    return [...this.subscriptions.keys()];
  }

  async publish(topic: string, payload: Uint8Array | string, options: { qos: QoS; retain: boolean }): Promise<void> {
    if (!this.transport || this.status.value !== 'connected') throw new Error(`not connected: cannot publish to ${topic}`);
    await this.transport.publish(topic, payload, options);
  }

  onMessage(listener: (message: IncomingMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async sendSubscribe(filter: string, entry: SubscriptionEntry): Promise<void> {
    const transport = this.transport;
    if (!transport) return;
    try {
      await transport.subscribe(filter, maxQos(entry));
      entry.granted = true;
    } catch (error) {
      entry.granted = false;
      this.lastError.value = error instanceof Error ? error.message : `subscription to ${filter} failed`;
    }
  }

  private renewSubscriptions(): void {
    for (const [filter, entry] of this.subscriptions) void this.sendSubscribe(filter, entry);
  }

  private scheduleReconnect(): void {
    if (this.retryTimer !== undefined) return;
    const delay = backoffDelay(this.attempts, this.backoff);
    this.attempts += 1;
    for (const entry of this.subscriptions.values()) entry.granted = false;
    batch(() => {
      this.status.value = 'reconnecting';
      this.connectedAt.value = undefined;
      this.reconnect.value = { attempt: this.attempts, at: this.now() + delay };
    });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.status.value !== 'reconnecting' || !this.transport) return;
      this.reconnect.value = undefined;
      this.transport.reconnect();
    }, delay);
  }

  /** The broker refused the credentials: stop (the close, before or after this, schedules no retry). */
  private refuseCredentials(refusal: ConnectRefusal): void {
    this.teardown();
    batch(() => {
      this.status.value = 'unauthorized';
      this.refusal.value = refusal;
      this.lastError.value = refusal.reason;
      this.reconnect.value = undefined;
      this.connectedAt.value = undefined;
    });
  }

  private teardown(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const transport = this.transport;
    this.transport = undefined;
    if (transport) void transport.end(true).catch(() => undefined);
  }
}

function maxQos(entry: SubscriptionEntry): QoS {
  let max: QoS = 0;
  for (const qos of entry.owners.values()) if (qos > max) max = qos;
  return max;
}
