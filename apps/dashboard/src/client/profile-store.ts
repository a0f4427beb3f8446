// The profiles as a signal, saved to localStorage on every change, and how a profile becomes a
// connection (URL and MQTT options; an empty client id gets one generated for this page).
import { signal } from '@preact/signals';
import { generateClientId } from '../lib/client-id';
import type { ConnectionManager } from '../mqtt/connection';
import type { TransportOptions } from '../mqtt/transport';
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

export class ProfileStore {
  readonly state = signal<ProfileState>({ profiles: [], activeId: '' });
  /** Used when the profile leaves the client id empty: one per page load. */
  readonly sessionClientId = generateClientId();

  constructor(
    private readonly storage: KeyValueStorage | undefined,
    location: Pick<Location, 'protocol' | 'host'>,
  ) {
    const fallbackStorage: KeyValueStorage = { getItem: () => null, setItem: () => undefined };
    this.state.value = loadProfiles(storage ?? fallbackStorage, location);
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

  private update(next: ProfileState): void {
    this.state.value = next;
    if (this.storage) saveProfiles(this.storage, next);
  }
}
