import { describe, expect, it } from 'vitest';
import { loadSavedPayloads, putSavedPayload, SAVED_PAYLOADS_KEY, saveSavedPayloads } from './saved-payloads';

describe('saved payloads', () => {
  it('round-trip through storage, replacing by name and sorted', () => {
    let list = putSavedPayload([], { name: 'b', topic: 't', payload: '1', qos: 0, retain: false });
    list = putSavedPayload(list, { name: 'a', topic: 't', payload: '2', qos: 1, retain: true });
    list = putSavedPayload(list, { name: 'b', topic: 't2', payload: '3', qos: 2, retain: false });
    saveSavedPayloads(localStorage, list);
    expect(loadSavedPayloads(localStorage)).toEqual([
      { name: 'a', topic: 't', payload: '2', qos: 1, retain: true },
      { name: 'b', topic: 't2', payload: '3', qos: 2, retain: false },
    ]);
  });

  it('ignore corrupt entries', () => {
    localStorage.setItem(SAVED_PAYLOADS_KEY, JSON.stringify([{ name: 'x' }, { name: 'ok', topic: 't', payload: '', qos: 0, retain: false }]));
    expect(loadSavedPayloads(localStorage).map((item) => item.name)).toEqual(['ok']);
    localStorage.setItem(SAVED_PAYLOADS_KEY, 'nope');
    expect(loadSavedPayloads(localStorage)).toEqual([]);
  });
});
