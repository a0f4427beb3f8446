import { Aedes } from 'aedes';
import { matchTopic } from '@gateway/topics';
import { describe, expect, it } from 'vitest';
import { connectClient, startTestBroker } from './testing/test-broker.js';
import { installTopicMatchCache, maxCachedTopics } from './topic-match-cache.js';

const filters = ['a/b', 'a/+', 'a/#', '#', '+/b', '+/+', '+', 'a/b/c', 'a/+/c', '+/+/+', 'b/#', '/+', '+/', 'a//b', 'a/+/#'];
const topics = ['a', 'a/b', 'a/c', 'b/b', 'a/b/c', 'a/x/c', 'b', 'b/c/d', '/a', 'a/', 'a//b', 'x/y/z'];

interface Emitter {
  on(topic: string, handler: unknown, done?: () => void): void;
  removeListener(topic: string, handler: unknown, done?: () => void): void;
  _matcher: { match(topic: string): unknown[] };
}

async function withEmitter(test: (mq: Emitter, cache: Map<string, unknown[]>) => Promise<void>): Promise<void> {
  const aedes = new Aedes();
  try {
    const cache = installTopicMatchCache(aedes);
    await test((aedes as unknown as { mq: Emitter }).mq, cache);
  } finally {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
  }
}

const subscribe = (mq: Emitter, filter: string, handler: unknown) => new Promise<void>((resolve) => mq.on(filter, handler, resolve));
const unsubscribe = (mq: Emitter, filter: string, handler: unknown) => new Promise<void>((resolve) => mq.removeListener(filter, handler, resolve));

describe('installTopicMatchCache', () => {
  it('answers as the MQTT matching rules do while subscriptions come and go, from the cache the second time', async () => {
    await withEmitter(async (mq, cache) => {
      const handlers = new Map(filters.map((filter) => [filter, () => undefined]));
      const active = new Set<string>();
      const check = () => {
        for (let pass = 0; pass < 2; pass++) {
          for (const topic of topics) {
            const expected = [...active].filter((filter) => matchTopic(filter, topic)).map((filter) => handlers.get(filter));
            expect(new Set(mq._matcher.match(topic)), `${topic} with ${[...active].join(' ')}`).toEqual(new Set(expected));
          }
          if (pass === 0) expect(cache.size).toBe(topics.length);
        }
      };
      check();
      for (const [index, filter] of filters.entries()) {
        await subscribe(mq, filter, handlers.get(filter));
        active.add(filter);
        expect(cache.size).toBe(0);
        check();
        if (index % 3 === 2) {
          const removed = filters[index - 1] as string;
          await unsubscribe(mq, removed, handlers.get(removed));
          active.delete(removed);
          check();
        }
      }
    });
  });

  it('starts again empty when it holds the most topics it may', async () => {
    await withEmitter(async (mq, cache) => {
      const handler = () => undefined;
      await subscribe(mq, 'fleet/#', handler);
      for (let index = 0; index < maxCachedTopics; index++) mq._matcher.match(`fleet/${String(index)}`);
      expect(cache.size).toBe(maxCachedTopics);
      expect(mq._matcher.match('fleet/one-more')).toEqual([handler]);
      expect(cache.size).toBe(1);
    });
  });

  it('lets a broker deliver to subscriptions made and dropped after the topic was cached', async () => {
    await using broker = await startTestBroker();
    await using publisher = await connectClient(broker.tcpUrl);
    await using early = await connectClient(broker.tcpUrl);
    await using late = await connectClient(broker.tcpUrl);
    const got = { early: [] as string[], late: [] as string[] };
    early.on('message', (_topic, payload) => got.early.push(payload.toString()));
    late.on('message', (_topic, payload) => got.late.push(payload.toString()));

    await early.subscribeAsync('plant/+/temp', { qos: 1 });
    await publisher.publishAsync('plant/1/temp', 'one', { qos: 1 });
    await late.subscribeAsync('plant/#', { qos: 1 });
    await publisher.publishAsync('plant/1/temp', 'two', { qos: 1 });
    await early.unsubscribeAsync('plant/+/temp');
    await publisher.publishAsync('plant/1/temp', 'three', { qos: 1 });
    await late.publishAsync('plant/1/temp', 'marker', { qos: 1 });
    await expect.poll(() => got.late).toEqual(['two', 'three', 'marker']);
    expect(got.early).toEqual(['one', 'two']);
  });
});
