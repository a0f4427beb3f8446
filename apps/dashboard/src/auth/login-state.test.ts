import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PROFILES_KEY } from '../client/profiles';
import { createServices, type Services } from '../services';
import { fakeFactory, immediateFrame } from '../testing/fake-transport';

let services: Services;
let factory: ReturnType<typeof fakeFactory>;

beforeEach(() => {
  vi.useFakeTimers();
  factory = fakeFactory();
  services = createServices({ factory, storage: localStorage, sessionStorage, location: { protocol: 'http:', host: 'gateway.test:8020' }, requestFrame: immediateFrame });
});
afterEach(() => {
  services.login.dispose();
  vi.useRealTimers();
});

describe('LoginState', () => {
  it('asks for a login when the broker refuses an anonymous client, without a reconnect loop', async () => {
    const { login, manager, profiles } = services;
    expect(login.prompt.value).toBeUndefined();
    profiles.connect(manager);
    factory.last.refuse(5);
    expect(login.prompt.value).toEqual({ kind: 'refused', refusal: { code: 5, reason: 'The broker refused the connection: not authorized (CONNACK 5).' } });
    expect(login.busy.value).toBe(false);
    expect(login.canLogOut.value).toBe(false);
    await vi.advanceTimersByTimeAsync(300_000);
    expect(factory.transports).toHaveLength(1);
    expect(factory.last.reconnects).toBe(0);
  });

  it('reconnects with the submitted credentials, keeps the form while waiting, and hides it once connected', async () => {
    const { login, manager, profiles } = services;
    profiles.connect(manager);
    factory.last.refuse(5);
    login.login({ username: 'alice', password: 'wrong', remember: false });
    expect(factory.transports).toHaveLength(2);
    expect(factory.last.options).toMatchObject({ username: 'alice', password: 'wrong' });
    expect(login.busy.value).toBe(true);
    expect(login.prompt.value?.kind).toBe('refused');

    // A wrong password: back on the form with the broker's new reason.
    factory.last.refuse(4);
    expect(login.busy.value).toBe(false);
    expect(login.prompt.value).toMatchObject({ kind: 'refused', refusal: { code: 4 } });

    login.login({ username: 'alice', password: 'right', remember: false });
    expect(factory.last.options).toMatchObject({ clientId: profiles.sessionClientId, username: 'alice', password: 'right' });
    factory.last.accept();
    await vi.advanceTimersByTimeAsync(0);
    expect(manager.status.value).toBe('connected');
    expect(login.prompt.value).toBeUndefined();
    expect(login.canLogOut.value).toBe(true);
    expect(profiles.active).toMatchObject({ username: 'alice', password: 'right', rememberPassword: false });
    expect(localStorage.getItem(PROFILES_KEY)).not.toContain('right');
  });

  it('logs out: disconnects for good, forgets the password, keeps the user name and shows the form', async () => {
    const { login, manager, profiles } = services;
    login.login({ username: 'bob', password: 'pw', remember: true });
    factory.last.accept();
    const transport = factory.last;
    await login.logout();
    expect(transport.ended).toBe(true);
    expect(manager.status.value).toBe('disconnected');
    expect(login.prompt.value).toEqual({ kind: 'logged-out' });
    expect(profiles.active).toMatchObject({ username: 'bob', password: '', rememberPassword: false });
    expect(localStorage.getItem(PROFILES_KEY)).not.toContain('"pw"');
    transport.drop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(transport.reconnects).toBe(0);
    expect(factory.transports).toHaveLength(1);
  });

  it('hides the form on request, until the next refusal', () => {
    const { login, manager, profiles } = services;
    profiles.connect(manager);
    factory.last.refuse(5);
    login.dismiss();
    expect(login.prompt.value).toBeUndefined();
    profiles.connect(manager);
    factory.last.refuse(5);
    expect(login.prompt.value?.kind).toBe('refused');
  });
});
