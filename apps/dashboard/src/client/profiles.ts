// Connection profiles, kept in the browser (localStorage): where to connect and how. The default
// profile points at the origin that served the page, on the proxy's `/mqtt` WebSocket path.
import { generateClientId } from '../lib/client-id';

export type QoS = 0 | 1 | 2;

export interface LastWill {
  readonly enabled: boolean;
  readonly topic: string;
  readonly payload: string;
  readonly qos: QoS;
  readonly retain: boolean;
}

export interface ConnectionProfile {
  readonly id: string;
  readonly name: string;
  /** `ws://host:port` or `wss://host:port`. */
  readonly url: string;
  /** The WebSocket path, `/mqtt` by default. */
  readonly path: string;
  /** Empty: a fresh id is generated for every page load, so two tabs never take each other over. */
  readonly clientId: string;
  readonly username: string;
  readonly password: string;
  /** Keep the password in localStorage; otherwise only in sessionStorage, for this browser session. */
  readonly rememberPassword: boolean;
  readonly clean: boolean;
  /** Seconds. */
  readonly keepalive: number;
  readonly will: LastWill;
  /** Connect as soon as the page opens. */
  readonly autoConnect: boolean;
}

export interface ProfileState {
  readonly profiles: readonly ConnectionProfile[];
  readonly activeId: string;
}

/** The minimal Storage interface the store needs (localStorage, or a fake in tests). */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>;

export const PROFILES_KEY = 'gateway-dashboard.profiles.v1';

export function originUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
}

export function defaultProfile(location: Pick<Location, 'protocol' | 'host'>): ConnectionProfile {
  return {
    id: 'default',
    name: 'This gateway',
    url: originUrl(location),
    path: '/mqtt',
    clientId: '',
    username: '',
    password: '',
    rememberPassword: false,
    clean: true,
    keepalive: 30,
    will: { enabled: false, topic: 'dashboard/status', payload: 'offline', qos: 1, retain: false },
    autoConnect: true,
  };
}

export function newProfile(location: Pick<Location, 'protocol' | 'host'>, name: string): ConnectionProfile {
  return { ...defaultProfile(location), id: generateClientId('profile'), name, clientId: generateClientId() };
}

/** The full WebSocket URL of a profile: its URL with its path (a missing leading slash is added). */
export function profileUrl(profile: Pick<ConnectionProfile, 'url' | 'path'>): string {
  const base = profile.url.replace(/\/+$/, '');
  const path = profile.path.trim() === '' ? '' : profile.path.startsWith('/') ? profile.path : `/${profile.path}`;
  return `${base}${path}`;
}

/** Problems with a profile, by field name; empty when it can be used. */
export function validateProfile(profile: ConnectionProfile): Partial<Record<'url' | 'keepalive' | 'will' | 'name', string>> {
  const errors: Partial<Record<'url' | 'keepalive' | 'will' | 'name', string>> = {};
  if (profile.name.trim() === '') errors.name = 'Give the profile a name';
  if (!/^wss?:\/\/[^/\s]+$/.test(profile.url.replace(/\/+$/, ''))) errors.url = 'Use ws://host:port or wss://host:port';
  if (!Number.isInteger(profile.keepalive) || profile.keepalive < 0 || profile.keepalive > 65_535) errors.keepalive = 'Keepalive is 0 to 65535 seconds';
  if (profile.will.enabled && (profile.will.topic === '' || /[+#]/.test(profile.will.topic))) errors.will = 'The last will needs a topic without wildcards';
  return errors;
}

function isQos(value: unknown): value is QoS {
  return value === 0 || value === 1 || value === 2;
}

/** Rebuilds a stored profile field by field, falling back to defaults for anything missing or malformed. */
function reviveProfile(raw: unknown, fallback: ConnectionProfile): ConnectionProfile | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const value = raw as Record<string, unknown>;
  const text = (key: string, otherwise: string): string => (typeof value[key] === 'string' ? value[key] : otherwise);
  const flag = (key: string, otherwise: boolean): boolean => (typeof value[key] === 'boolean' ? value[key] : otherwise);
  if (typeof value['id'] !== 'string' || value['id'] === '') return undefined;
  const will = typeof value['will'] === 'object' && value['will'] !== null ? (value['will'] as Record<string, unknown>) : {};
  return {
    id: value['id'],
    name: text('name', fallback.name),
    url: text('url', fallback.url),
    path: text('path', fallback.path),
    clientId: text('clientId', ''),
    username: text('username', ''),
    password: text('password', ''),
    // Profiles saved before the flag existed kept their password in localStorage: keep doing so.
    rememberPassword: flag('rememberPassword', text('password', '') !== ''),
    clean: flag('clean', true),
    keepalive: typeof value['keepalive'] === 'number' ? value['keepalive'] : fallback.keepalive,
    will: {
      enabled: will['enabled'] === true,
      topic: typeof will['topic'] === 'string' ? will['topic'] : fallback.will.topic,
      payload: typeof will['payload'] === 'string' ? will['payload'] : fallback.will.payload,
      qos: isQos(will['qos']) ? will['qos'] : fallback.will.qos,
      retain: will['retain'] === true,
    },
    autoConnect: flag('autoConnect', true),
  };
}

/** Loads the stored profiles; a missing or corrupt entry gives the default profile for this origin. */
export function loadProfiles(storage: KeyValueStorage, location: Pick<Location, 'protocol' | 'host'>): ProfileState {
  const fallback = defaultProfile(location);
  let parsed: unknown;
  try {
    parsed = JSON.parse(storage.getItem(PROFILES_KEY) ?? 'null') as unknown;
  } catch {
    parsed = null;
  }
  const stored = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const list = Array.isArray(stored['profiles']) ? (stored['profiles'] as unknown[]) : [];
  const profiles = list.map((entry) => reviveProfile(entry, fallback)).filter((entry): entry is ConnectionProfile => entry !== undefined);
  if (profiles.length === 0) profiles.push(fallback);
  const activeId = typeof stored['activeId'] === 'string' && profiles.some((p) => p.id === stored['activeId']) ? stored['activeId'] : (profiles[0] as ConnectionProfile).id;
  return { profiles, activeId };
}

export function saveProfiles(storage: KeyValueStorage, state: ProfileState): void {
  try {
    storage.setItem(PROFILES_KEY, JSON.stringify(state));
  } catch {
    // Storage full or disabled (private mode): the profiles still work for this page's lifetime.
  }
}

/** Replaces the profile with the same id, or appends it. */
export function upsertProfile(state: ProfileState, profile: ConnectionProfile): ProfileState {
  const exists = state.profiles.some((entry) => entry.id === profile.id);
  return {
    ...state,
    profiles: exists ? state.profiles.map((entry) => (entry.id === profile.id ? profile : entry)) : [...state.profiles, profile],
  };
}

/** Removes a profile; the last one cannot be removed. */
export function removeProfile(state: ProfileState, id: string): ProfileState {
  if (state.profiles.length <= 1) return state;
  const profiles = state.profiles.filter((entry) => entry.id !== id);
  return { profiles, activeId: state.activeId === id ? (profiles[0] as ConnectionProfile).id : state.activeId };
}
