// The profiles as a signal, saved on every change (localStorage, with passwords that are not remembered
// in sessionStorage only), and how a profile becomes a connection (URL and MQTT options; an empty
// client id gets one generated for this page). Logging in and out edits the active profile's credentials.
import { signal } from '@preact/signals';
import { generateClientId } from '../lib/client-id';
import type { ConnectionManager } from '../mqtt/connection';
import type { TransportOptions } from '../mqtt/transport';
import { loadSessionPasswords, saveSessionPasswords, withoutSessionPasswords, withSessionPasswords } from './profile-passwords';
import { loadProfiles, profileUrl, removeProfile, saveProfiles, upsertProfile, type ConnectionProfile, type KeyValueStorage, type ProfileState } from './profiles';

export function transportOptions(profile: ConnectionProfile, sessionClientId: string): TransportOptions {
  return {
    clientId: profile.clientId.trim() === '' ? sessionClientId : profile.clientId.trim(),
    clean: profile.clean,
    keepalive: profile.keepalive,
    ...(profile.username ? { username: profile.username } : {}),
    ...(profile.password ? { password: profile.password } : {}),
    ...(profile.will.enabled ? { will: { topic: profile.will.topic, payload: profile.will.payload, qos: profile.will.qos, retain: profile.will.retain } } : {}),
  };
}

export interface Credentials {
  readonly username: string;
  readonly password: string;
  /** Keep the password in localStorage rather than for this browser session only. */
  readonly remember: boolean;
}

export class ProfileStore {
  readonly state = signal<ProfileState>({ profiles: [], activeId: '' });
  /** Used when the profile leaves the client id empty: one per page load. */
  readonly sessionClientId = generateClientId();

  constructor(
    private readonly storage: KeyValueStorage | undefined,
    location: Pick<Location, 'protocol' | 'host'>,
    private readonly sessionStorage?: KeyValueStorage,
  ) {
    const fallbackStorage: KeyValueStorage = { getItem: () => null, setItem: () => undefined };
    const loaded = loadProfiles(storage ?? fallbackStorage, location);
    this.state.value = sessionStorage ? withSessionPasswords(loaded, loadSessionPasswords(sessionStorage)) : loaded;
  }

  get active(): ConnectionProfile {
    const { profiles, activeId } = this.state.value;
    return profiles.find((profile) => profile.id === activeId) ?? (profiles[0] as ConnectionProfile);
  }

  save(profile: ConnectionProfile): void {
    this.update({ ...upsertProfile(this.state.value, profile), activeId: profile.id });
  }

  select(id: string): void {
    this.update({ ...this.state.value, activeId: id });
  }

  remove(id: string): void {
    this.update(removeProfile(this.state.value, id));
  }

  connect(manager: ConnectionManager, profile: ConnectionProfile = this.active): void {
    manager.connect(profileUrl(profile), transportOptions(profile, this.sessionClientId));
  }

  /** Saves the credentials into the active profile and connects with them. */
  login(manager: ConnectionManager, credentials: Credentials): void {
    const profile: ConnectionProfile = { ...this.active, username: credentials.username, password: credentials.password, rememberPassword: credentials.remember };
    this.save(profile);
    this.connect(manager, profile);
  }

  /** Forgets the active profile's password, wherever it was kept; the username stays for the next login. */
  forgetPassword(): void {
    this.save({ ...this.active, password: '', rememberPassword: false });
  }

  private update(next: ProfileState): void {
    this.state.value = next;
    // A password that is not remembered never reaches localStorage; without sessionStorage it lives in memory.
    if (this.storage) saveProfiles(this.storage, withoutSessionPasswords(next));
    if (this.sessionStorage) saveSessionPasswords(this.sessionStorage, next);
  }
}
