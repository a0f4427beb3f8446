import { describe, expect, it } from 'vitest';
import { ConnectionManager } from '../mqtt/connection';
import { fakeFactory } from '../testing/fake-transport';
import { loadSessionPasswords, SESSION_PASSWORDS_KEY, sessionPasswords, withoutSessionPasswords, withSessionPasswords } from './profile-passwords';
import { ProfileStore } from './profile-store';
import { defaultProfile, loadProfiles, PROFILES_KEY, type KeyValueStorage, type ProfileState } from './profiles';

function memoryStorage(initial: Record<string, string> = {}): KeyValueStorage & { data: Record<string, string> } {
  const data = { ...initial };
  return { data, getItem: (key) => data[key] ?? null, setItem: (key, value) => void (data[key] = value) };
}

const origin = { protocol: 'http:', host: 'gateway.local:8020' };

function state(): ProfileState {
  const base = defaultProfile(origin);
  return {
    profiles: [
      { ...base, username: 'alice', password: 'for-now' },
      { ...base, id: 'kept', username: 'bob', password: 'for-ever', rememberPassword: true },
      { ...base, id: 'none', username: 'carol' },
    ],
    activeId: 'default',
  };
}

describe('profile passwords', () => {
  it('reach localStorage only when remembered, and sessionStorage otherwise', () => {
    expect(withoutSessionPasswords(state()).profiles.map((profile) => profile.password)).toEqual(['', 'for-ever', '']);
    expect([...sessionPasswords(state())]).toEqual([['default', 'for-now']]);
    expect(withSessionPasswords(withoutSessionPasswords(state()), sessionPasswords(state()))).toEqual(state());
  });

  it('read malformed session storage as none', () => {
    expect(loadSessionPasswords(memoryStorage({ [SESSION_PASSWORDS_KEY]: '{oops' })).size).toBe(0);
    expect(loadSessionPasswords(memoryStorage({ [SESSION_PASSWORDS_KEY]: '{"default":"x"}' })).size).toBe(0);
    expect([...loadSessionPasswords(memoryStorage({ [SESSION_PASSWORDS_KEY]: '[["a","1"],["b",2],"c"]' }))]).toEqual([['a', '1']]);
  });

  it('keep a profile saved before "remember" existed remembering its password', () => {
    const legacy = { ...defaultProfile(origin), password: 'old' } as Record<string, unknown>;
    delete legacy['rememberPassword'];
    const loaded = loadProfiles(memoryStorage({ [PROFILES_KEY]: JSON.stringify({ profiles: [legacy], activeId: 'default' }) }), origin);
    expect(loaded.profiles[0]).toMatchObject({ password: 'old', rememberPassword: true });
  });
});

describe('ProfileStore credentials', () => {
  it('log in with a session-only password: the next session (same tab) has it, localStorage never does', () => {
    const local = memoryStorage();
    const session = memoryStorage();
    const factory = fakeFactory();
    const manager = new ConnectionManager({ factory });
    const store = new ProfileStore(local, origin, session);
    store.login(manager, { username: 'alice', password: 's3cret', remember: false });
    expect(factory.last.options).toMatchObject({ username: 'alice', password: 's3cret' });
    expect(local.data[PROFILES_KEY]).toContain('"username":"alice"');
    expect(local.data[PROFILES_KEY]).not.toContain('s3cret');
    expect(session.data[SESSION_PASSWORDS_KEY]).toContain('s3cret');
    // A reload in the same tab keeps the login; a new browser session (empty sessionStorage) does not.
    expect(new ProfileStore(local, origin, session).active).toMatchObject({ username: 'alice', password: 's3cret' });
    expect(new ProfileStore(local, origin, memoryStorage()).active).toMatchObject({ username: 'alice', password: '' });
  });

  it('log in with "remember": the password goes to localStorage; forgetting it clears both', () => {
    const local = memoryStorage();
    const session = memoryStorage();
    const store = new ProfileStore(local, origin, session);
    store.login(new ConnectionManager({ factory: fakeFactory() }), { username: 'bob', password: 'kept', remember: true });
    expect(new ProfileStore(local, origin, memoryStorage()).active).toMatchObject({ username: 'bob', password: 'kept', rememberPassword: true });
    store.forgetPassword();
    expect(store.active).toMatchObject({ username: 'bob', password: '', rememberPassword: false });
    expect(local.data[PROFILES_KEY]).not.toContain('kept');
    expect(session.data[SESSION_PASSWORDS_KEY]).toBe('[]');
  });

  it('keep a password that is not remembered in memory only when there is no sessionStorage', () => {
    const local = memoryStorage();
    const store = new ProfileStore(local, origin);
    store.login(new ConnectionManager({ factory: fakeFactory() }), { username: 'dave', password: 'memory-only', remember: false });
    expect(store.active.password).toBe('memory-only');
    expect(local.data[PROFILES_KEY]).not.toContain('memory-only');
  });
});
