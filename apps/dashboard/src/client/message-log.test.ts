import { describe, expect, it } from 'vitest';
import { HistoryStore } from './history-db';
import { filterLog } from './log-filter';
import { MessageLog } from './message-log';

const frames: (() => void)[] = [];
const requestFrame = (callback: () => void): void => void frames.push(callback);
const runFrames = (): void => {
  for (const frame of frames.splice(0)) frame();
};
const message = (topic: string, text: string, ts = 1) => ({ topic, payload: new TextEncoder().encode(text), qos: 0 as const, retain: false, ts });

describe('MessageLog', () => {
  it('applies a burst of messages in one frame, with one version bump', () => {
    const log = new MessageLog({ capacity: 100, requestFrame });
    for (let i = 0; i < 40; i += 1) log.add(message(`t/${i % 4}`, String(i)));
    expect(log.entries.length).toBe(0);
    runFrames();
    expect(log.entries.length).toBe(40);
    expect(log.version.value).toBe(1);
    expect(log.tree.find('t/1')!.count).toBe(10);
  });

  it('stays bounded under a flood', () => {
    const log = new MessageLog({ capacity: 50, requestFrame });
    for (let i = 0; i < 10_000; i += 1) log.add(message('flood', String(i)));
    runFrames();
    expect(log.entries.length).toBe(50);
    expect(new TextDecoder().decode(log.entries.last()!.payload)).toBe('9999');
    expect(log.dropped).toBe(10_000 - 50);
  });

  it('filters newest first by subscription and by search text', () => {
    const log = new MessageLog({ capacity: 100, requestFrame });
    log.add(message('home/temp', '21.5'));
    log.add(message('home/door', 'open'));
    log.add(message('office/temp', '19'));
    log.flush();
    expect(filterLog(log.entries, { subscription: '', search: '' }).map((e) => e.topic)).toEqual(['office/temp', 'home/door', 'home/temp']);
    expect(filterLog(log.entries, { subscription: 'home/#', search: '' }).map((e) => e.topic)).toEqual(['home/door', 'home/temp']);
    expect(filterLog(log.entries, { subscription: '', search: 'TEMP' }).map((e) => e.topic)).toEqual(['office/temp', 'home/temp']);
    expect(filterLog(log.entries, { subscription: '', search: 'open' }).map((e) => e.topic)).toEqual(['home/door']);
  });

  it('survives a reload through IndexedDB, in order and trimmed to the capacity', async () => {
    const name = `history-${Math.random()}`;
    const first = new MessageLog({ capacity: 5, requestFrame });
    const history = await HistoryStore.open({ name, maxEntries: 5, flushMs: 10 });
    await first.attachHistory(history);
    for (let i = 0; i < 8; i += 1) first.add(message('a/b', `m${i}`, i));
    first.flush();
    expect(await history.count()).toBe(5);
    history.close();

    const second = new MessageLog({ capacity: 5, requestFrame });
    const reopened = await HistoryStore.open({ name, maxEntries: 5 });
    await second.attachHistory(reopened);
    expect(second.entries.toArray().map((entry) => new TextDecoder().decode(entry.payload))).toEqual(['m3', 'm4', 'm5', 'm6', 'm7']);
    expect(second.tree.find('a/b')!.count).toBe(5);
    await second.clear();
    expect(await reopened.count()).toBe(0);
    expect(second.entries.length).toBe(0);
    reopened.close();
  });
});
