// Where profile passwords are kept: in localStorage with the profile when the user ticked "remember",
// otherwise in sessionStorage only, so they are gone when the browser session ends.
import type { ConnectionProfile, KeyValueStorage, ProfileState } from './profiles';

export const SESSION_PASSWORDS_KEY = 'gateway-dashboard.session-passwords.v1';

/** Profile id -> password, for the profiles whose password is kept for this session only. */
export type SessionPasswords = ReadonlyMap<string, string>;

function keptForSession(profile: ConnectionProfile): boolean {
  return !profile.rememberPassword && profile.password !== '';
}

/** The state as localStorage may hold it: only the passwords the user asked to remember. */
export function withoutSessionPasswords(state: ProfileState): ProfileState {
  return { ...state, profiles: state.profiles.map((profile) => (keptForSession(profile) ? { ...profile, password: '' } : profile)) };
}

export function sessionPasswords(state: ProfileState): SessionPasswords {
  return new Map(state.profiles.filter(keptForSession).map((profile) => [profile.id, profile.password]));
}

/** Gives the session passwords back to the profiles that have none stored. */
export function withSessionPasswords(state: ProfileState, passwords: SessionPasswords): ProfileState {
  return {
    ...state,
    profiles: state.profiles.map((profile) => {
      const password = passwords.get(profile.id);
      return password !== undefined && profile.password === '' && !profile.rememberPassword ? { ...profile, password } : profile;
    }),
  };
}

/** Reads the session passwords; anything missing or malformed reads as none. */
export function loadSessionPasswords(storage: KeyValueStorage): SessionPasswords {
  let parsed: unknown;
  try {
    parsed = JSON.parse(storage.getItem(SESSION_PASSWORDS_KEY) ?? '[]') as unknown;
  } catch {
    return new Map();
  }
  if (!Array.isArray(parsed)) return new Map();
  const entries = parsed.filter((entry): entry is [string, string] => Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string' && typeof entry[1] === 'string');
  return new Map(entries);
}

export function saveSessionPasswords(storage: KeyValueStorage, state: ProfileState): void {
  try {
    storage.setItem(SESSION_PASSWORDS_KEY, JSON.stringify([...sessionPasswords(state)]));
  } catch {
    // Storage disabled: the password still works until the page is closed.
  }
}
