// A fake MQTT transport for tests: records what the manager asks for and lets the test play the
// broker (connect, close, deliver messages), with a local broker-like echo of publishes.
import { matchTopic } from '@gateway/topics/match';
import type { IncomingMessage, QoS, Transport, TransportEvents, TransportFactory, TransportOptions } from '../mqtt/transport';

export class FakeTransport implements Transport {
  readonly subscribed = new Map<string, QoS>();
  readonly published: { topic: string; payload: Uint8Array; qos: QoS; retain: boolean }[] = [];
  reconnects = 0;
  ended = false;
  /** When true, publishes are delivered back to matching subscriptions. */
  echo = true;

  constructor(
    readonly url: string,
    readonly options: TransportOptions,
    readonly events: TransportEvents,
  ) {}

  subscribe(filter: string, qos: QoS): Promise<void> {
    this.subscribed.set(filter, qos);
    return Promise.resolve();
  }

  unsubscribe(filter: string): Promise<void> {
    this.subscribed.delete(filter);
    return Promise.resolve();
  }

  publish(topic: string, payload: Uint8Array | string, options: { qos: QoS; retain: boolean }): Promise<void> {
    const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
    this.published.push({ topic, payload: bytes, ...options });
    if (this.echo && [...this.subscribed.keys()].some((filter) => matchTopic(filter, topic))) {
      this.deliver({ topic, payload: bytes, qos: options.qos, retain: false, ts: Date.now() });
    }
    return Promise.resolve();
  }

  reconnect(): void {
    this.reconnects += 1;
  }

  end(): Promise<void> {
    this.ended = true;
    return Promise.resolve();
  }

  /** Plays the broker accepting the connection. */
  accept(): void {
    this.events.onConnect();
  }

  drop(): void {
    this.events.onClose();
  }

  /** Plays the broker refusing the CONNECT with a CONNACK code (4: bad credentials, 5: not authorized), then closing. */
  refuse(code: number, order: 'refusal-first' | 'close-first' = 'refusal-first'): void {
    const reason = code === 4 ? 'Connection refused: Bad username or password' : code === 5 ? 'Connection refused: Not authorized' : `Connection refused: code ${code}`;
    if (order === 'close-first') this.events.onClose();
    this.events.onRefused(code, reason);
    if (order === 'refusal-first') this.events.onClose();
  }

  deliver(message: IncomingMessage): void {
    this.events.onMessage(message);
  }

  /** Delivers text or bytes on a topic. */
  send(topic: string, payload: string | Uint8Array, flags: { qos?: QoS; retain?: boolean } = {}): void {
    this.deliver({ topic, payload: typeof payload === 'string' ? new TextEncoder().encode(payload) : payload, qos: flags.qos ?? 0, retain: flags.retain ?? false, ts: Date.now() });
  }
}

/** A factory that keeps every transport it made; `last` is the current one. */
export function fakeFactory(): TransportFactory & { transports: FakeTransport[]; readonly last: FakeTransport } {
  const transports: FakeTransport[] = [];
  const factory = ((url: string, options: TransportOptions, events: TransportEvents) => {
    const transport = new FakeTransport(url, options, events);
    transports.push(transport);
    return transport;
  }) as unknown as TransportFactory & { transports: FakeTransport[]; readonly last: FakeTransport };
  factory.transports = transports;
  Object.defineProperty(factory, 'last', {
    get: () => {
      const last = transports.at(-1);
      if (!last) throw new Error('no transport was created');
      return last;
    },
  });
  return factory;
}

/** Runs frame callbacks synchronously, so batched updates apply at once in tests. */
export const immediateFrame = (callback: () => void): void => callback();
