import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeFactory } from '../testing/fake-transport';
import { ConnectionManager } from './connection';

const options = { clientId: 'dash-1', clean: true, keepalive: 30 };
const backoff = { initialMs: 1000, maxMs: 8000, factor: 2, jitter: 0 };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ConnectionManager', () => {
  it('goes connecting -> connected and subscribes what was asked before', async () => {
    const factory = fakeFactory();
    const manager = new ConnectionManager({ factory, backoff });
    manager.subscribe('a/#', 1);
    manager.connect('ws://h/mqtt', options);
    expect(manager.status.value).toBe('connecting');
    expect(manager.clientId.value).toBe('dash-1');
    factory.last.accept();
    await vi.advanceTimersByTimeAsync(0);
    expect(manager.status.value).toBe('connected');
    expect([...factory.last.subscribed]).toEqual([['a/#', 1]]);
  });

  it('subscribes a filter once for several owners, at the highest QoS, and releases it with the last owner', async () => {
    const factory = fakeFactory();
    const manager = new ConnectionManager({ factory, backoff });
    manager.connect('ws://h/mqtt', options);
    factory.last.accept();
    const releaseA = manager.subscribe('x/+', 0);
    const releaseB = manager.subscribe('x/+', 2);
    await vi.advanceTimersByTimeAsync(0);
    expect(factory.last.subscribed.get('x/+')).toBe(2);
    await releaseA();
    expect(factory.last.subscribed.has('x/+')).toBe(true);
    await releaseB();
    expect(factory.last.subscribed.has('x/+')).toBe(false);
    expect(manager.filters()).toEqual([]);
  });

  it('reconnects with backoff after the connection drops, and resubscribes', async () => {
    const factory = fakeFactory();
    const manager = new ConnectionManager({ factory, backoff });
    manager.subscribe('s/#', 0);
    manager.connect('ws://h/mqtt', options);
    const transport = factory.last;
    transport.accept();
    transport.drop();
    expect(manager.status.value).toBe('reconnecting');
    expect(manager.reconnect.value?.attempt).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(transport.reconnects).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(transport.reconnects).toBe(1);
    transport.drop(); // the attempt failed
    expect(manager.reconnect.value?.attempt).toBe(2);
    await vi.advanceTimersByTimeAsync(2000);
    expect(transport.reconnects).toBe(2);
    transport.subscribed.clear();
    transport.accept();
    await vi.advanceTimersByTimeAsync(0);
    expect(manager.status.value).toBe('connected');
    expect(manager.reconnect.value).toBeUndefined();
    expect(transport.subscribed.has('s/#')).toBe(true);
    // The next outage starts from the first delay again.
    transport.drop();
    expect(manager.reconnect.value?.attempt).toBe(1);
  });

  it('does not reconnect after the user disconnects', async () => {
    const factory = fakeFactory();
    const manager = new ConnectionManager({ factory, backoff });
    manager.connect('ws://h/mqtt', options);
    const transport = factory.last;
    transport.accept();
    await manager.disconnect();
    transport.drop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(manager.status.value).toBe('disconnected');
    expect(transport.reconnects).toBe(0);
    expect(transport.ended).toBe(true);
  });

  it('retries at once on request', () => {
    const factory = fakeFactory();
    const manager = new ConnectionManager({ factory, backoff });
    manager.connect('ws://h/mqtt', options);
    factory.last.drop();
    manager.retryNow();
    expect(factory.last.reconnects).toBe(1);
  });

  it('ignores events of a replaced connection and delivers messages to listeners', () => {
    const factory = fakeFactory();
    const manager = new ConnectionManager({ factory, backoff });
    const topics: string[] = [];
    manager.onMessage((message) => topics.push(message.topic));
    manager.onMessage(() => {
      throw new Error('a broken listener does not stop the others');
    });
    manager.connect('ws://h/mqtt', options);
    const first = factory.last;
    manager.connect('ws://h/mqtt', { ...options, clientId: 'dash-2' });
    first.accept();
    first.send('old', 'x');
    expect(manager.status.value).toBe('connecting');
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    factory.last.accept();
    factory.last.send('new', 'y');
    expect(topics).toEqual(['new']);
    expect(first.ended).toBe(true);
  });

  it('refuses to publish while not connected', async () => {
    const manager = new ConnectionManager({ factory: fakeFactory(), backoff });
    await expect(manager.publish('t', 'x', { qos: 0, retain: false })).rejects.toThrow('not connected: cannot publish to t');
  });
});

describe('ConnectionManager when the broker refuses the credentials', () => {
  for (const order of ['refusal-first', 'close-first'] as const) {
    it(`stops with the reason and never retries by itself (${order})`, async () => {
      const factory = fakeFactory();
      const manager = new ConnectionManager({ factory, backoff });
      manager.connect('ws://h/mqtt', options);
      const transport = factory.last;
      transport.refuse(5, order);
      expect(manager.status.value).toBe('unauthorized');
      expect(manager.refusal.value).toEqual({ code: 5, reason: 'The broker refused the connection: not authorized (CONNACK 5).' });
      expect(manager.reconnect.value).toBeUndefined();
      expect(transport.ended).toBe(true);
      // A late close of the refused connection changes nothing either.
      transport.drop();
      await vi.advanceTimersByTimeAsync(120_000);
      expect(transport.reconnects).toBe(0);
      expect(factory.transports).toHaveLength(1);
      expect(manager.status.value).toBe('unauthorized');
      manager.retryNow();
      expect(transport.reconnects).toBe(0);
    });
  }

  it('connects again with new credentials, and renews the subscriptions', async () => {
    const factory = fakeFactory();
    const manager = new ConnectionManager({ factory, backoff });
    manager.subscribe('/IoTSensor/+/reading', 0);
    manager.connect('ws://h/mqtt', { ...options, username: 'alice', password: 'wrong' });
    factory.last.refuse(4);
    expect(manager.refusal.value?.reason).toMatch(/bad user name or password \(CONNACK 4\)/);
    manager.connect('ws://h/mqtt', { ...options, username: 'alice', password: 'right' });
    expect(manager.status.value).toBe('connecting');
    expect(manager.refusal.value).toBeUndefined();
    expect(factory.last.options).toMatchObject({ username: 'alice', password: 'right' });
    factory.last.accept();
    await vi.advanceTimersByTimeAsync(0);
    expect(manager.status.value).toBe('connected');
    expect(manager.lastError.value).toBeUndefined();
    expect(factory.last.subscribed.has('/IoTSensor/+/reading')).toBe(true);
  });

  it('retries other refusals (server unavailable) with backoff', async () => {
    const factory = fakeFactory();
    const manager = new ConnectionManager({ factory, backoff });
    manager.connect('ws://h/mqtt', options);
    factory.last.refuse(3);
    expect(manager.status.value).toBe('reconnecting');
    expect(manager.refusal.value).toBeUndefined();
    expect(manager.lastError.value).toBe('Connection refused: code 3');
    await vi.advanceTimersByTimeAsync(1000);
    expect(factory.last.reconnects).toBe(1);
  });
});
