import { describe, expect, it } from 'vitest';
import { transportOptions } from './profile-store';
import { defaultProfile, loadProfiles, PROFILES_KEY, profileUrl, removeProfile, saveProfiles, upsertProfile, validateProfile, type KeyValueStorage } from './profiles';

function memoryStorage(initial: Record<string, string> = {}): KeyValueStorage & { data: Record<string, string> } {
  const data = { ...initial };
  return { data, getItem: (key) => data[key] ?? null, setItem: (key, value) => void (data[key] = value) };
}

const origin = { protocol: 'http:', host: 'gateway.local:8020' };

describe('connection profiles', () => {
  it('default to the page origin on /mqtt', () => {
    const profile = defaultProfile(origin);
    expect(profile.url).toBe('ws://gateway.local:8020');
    expect(profile.path).toBe('/mqtt');
    expect(profileUrl(profile)).toBe('ws://gateway.local:8020/mqtt');
    expect(defaultProfile({ protocol: 'https:', host: 'example.org' }).url).toBe('wss://example.org');
  });

  it('join URL and path whatever the slashes', () => {
    expect(profileUrl({ url: 'ws://h:1/', path: 'mqtt' })).toBe('ws://h:1/mqtt');
    expect(profileUrl({ url: 'ws://h:1', path: '' })).toBe('ws://h:1');
  });

  it('load the default profile when nothing (or garbage) is stored', () => {
    expect(loadProfiles(memoryStorage(), origin).profiles).toEqual([defaultProfile(origin)]);
    expect(loadProfiles(memoryStorage({ [PROFILES_KEY]: '{not json' }), origin).activeId).toBe('default');
    expect(loadProfiles(memoryStorage({ [PROFILES_KEY]: '{"profiles":[42, {"name":"no id"}]}' }), origin).profiles).toHaveLength(1);
  });

  it('round-trip through storage, with the active profile', () => {
    const storage = memoryStorage();
    const other = { ...defaultProfile(origin), id: 'p2', name: 'Lab', url: 'ws://10.0.0.2:8020', clientId: 'lab-1', keepalive: 10 };
    const state = { ...upsertProfile(loadProfiles(storage, origin), other), activeId: 'p2' };
    saveProfiles(storage, state);
    const loaded = loadProfiles(storage, origin);
    expect(loaded.profiles.map((p) => p.name)).toEqual(['This gateway', 'Lab']);
    expect(loaded.activeId).toBe('p2');
    expect(loaded.profiles[1]).toEqual(other);
  });

  it('repair malformed fields field by field', () => {
    const storage = memoryStorage({ [PROFILES_KEY]: JSON.stringify({ profiles: [{ id: 'x', keepalive: 'soon', will: { qos: 7, enabled: true } }], activeId: 'missing' }) });
    const loaded = loadProfiles(storage, origin);
    expect(loaded.activeId).toBe('x');
    expect(loaded.profiles[0]).toMatchObject({ id: 'x', keepalive: 30, url: 'ws://gateway.local:8020', will: { qos: 1, enabled: true } });
  });

  it('never remove the last profile', () => {
    const state = loadProfiles(memoryStorage(), origin);
    expect(removeProfile(state, 'default')).toBe(state);
    const two = upsertProfile(state, { ...defaultProfile(origin), id: 'b' });
    expect(removeProfile({ ...two, activeId: 'b' }, 'b')).toEqual({ profiles: [defaultProfile(origin)], activeId: 'default' });
  });

  it('validate the URL, keepalive and last will', () => {
    const profile = defaultProfile(origin);
    expect(validateProfile(profile)).toEqual({});
    expect(validateProfile({ ...profile, url: 'http://x' }).url).toBeDefined();
    expect(validateProfile({ ...profile, keepalive: -1 }).keepalive).toBeDefined();
    expect(validateProfile({ ...profile, will: { ...profile.will, enabled: true, topic: 'a/#' } }).will).toBeDefined();
    expect(validateProfile({ ...profile, name: ' ' }).name).toBeDefined();
  });

  it('become transport options, with a session client id when none is set', () => {
    const profile = { ...defaultProfile(origin), username: 'u', will: { enabled: true, topic: 'w', payload: 'bye', qos: 1 as const, retain: true } };
    expect(transportOptions(profile, 'dashboard-1234')).toEqual({
      clientId: 'dashboard-1234',
      clean: true,
      keepalive: 30,
      username: 'u',
      will: { topic: 'w', payload: 'bye', qos: 1, retain: true },
    });
    expect(transportOptions({ ...profile, clientId: ' mine ' }, 'x').clientId).toBe('mine');
  });
});
