// Remembers which subscriptions match a topic. aedes' emitter (mqemitter) asks its qlobber trie for every
// message, splitting the topic into words and walking the trie each time: 6 % of the broker's time under
// fan-in. Devices publish to the same few topics over and over, so the answer is kept per topic until the
// subscriptions change (any add or remove forgets every answer) or the cache is full.
import type { Aedes } from 'aedes';

/** Topics remembered at most; past this the cache starts again empty (a sensor fleet has far fewer). */
export const maxCachedTopics = 10_000;

interface Matcher {
  match(topic: string, ctx?: unknown): unknown[];
  add(topic: string, value: unknown): unknown;
  remove(topic: string, value?: unknown): unknown;
  clear(): unknown;
}

/** Wraps the matcher of aedes' emitter with a per-topic cache; returns the cache, for tests. */
export function installTopicMatchCache(aedes: Aedes): Map<string, unknown[]> {
  const matcher = (aedes as unknown as { mq: { _matcher?: Matcher } }).mq._matcher;
  if (!matcher || typeof matcher.match !== 'function' || typeof matcher.add !== 'function' || typeof matcher.remove !== 'function') {
    throw new Error("aedes' emitter has no qlobber matcher (mq._matcher): the aedes or mqemitter version changed; update topic-match-cache.ts");
  }
  const cache = new Map<string, unknown[]>();
  const match = matcher.match.bind(matcher);
  const add = matcher.add.bind(matcher);
  const remove = matcher.remove.bind(matcher);
  const clear = matcher.clear.bind(matcher);
  // The arrays are shared between emits: mqemitter and fastparallel only read them, and qlobber makes a new
  // one for every match, so a change of subscriptions never alters an array already handed out.
  matcher.match = (topic, ctx) => {
    if (ctx !== undefined) return match(topic, ctx);
    let found = cache.get(topic);
    if (found === undefined) {
      found = match(topic);
      if (cache.size >= maxCachedTopics) cache.clear();
      cache.set(topic, found);
    }
    return found;
  };
  matcher.add = (topic, value) => {
    cache.clear();
    return add(topic, value);
  };
  matcher.remove = (topic, value) => {
    cache.clear();
    return remove(topic, value);
  };
  matcher.clear = () => {
    cache.clear();
    return clear();
  };
  return cache;
}
