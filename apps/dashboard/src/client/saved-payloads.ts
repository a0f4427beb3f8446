// Saved payloads for the publish form, kept in localStorage: name, topic, payload, QoS, retain.
import type { KeyValueStorage, QoS } from './profiles';

export interface SavedPayload {
  readonly name: string;
  readonly topic: string;
  readonly payload: string;
  readonly qos: QoS;
  readonly retain: boolean;
}

export const SAVED_PAYLOADS_KEY = 'gateway-dashboard.saved-payloads.v1';

export function loadSavedPayloads(storage: KeyValueStorage): SavedPayload[] {
  try {
    const parsed = JSON.parse(storage.getItem(SAVED_PAYLOADS_KEY) ?? '[]') as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (entry): entry is SavedPayload =>
        typeof entry === 'object' &&
        entry !== null &&
        typeof (entry as SavedPayload).name === 'string' &&
        typeof (entry as SavedPayload).topic === 'string' &&
        typeof (entry as SavedPayload).payload === 'string' &&
        [0, 1, 2].includes((entry as SavedPayload).qos) &&
        typeof (entry as SavedPayload).retain === 'boolean',
    );
  } catch {
    return [];
  }
}

export function saveSavedPayloads(storage: KeyValueStorage, payloads: readonly SavedPayload[]): void {
  try {
    storage.setItem(SAVED_PAYLOADS_KEY, JSON.stringify(payloads));
  } catch {
    // Storage unavailable: the list lives until the page closes.
  }
}

/** Adds or replaces (by name) a saved payload, keeping names unique. */
export function putSavedPayload(list: readonly SavedPayload[], entry: SavedPayload): SavedPayload[] {
  return [...list.filter((item) => item.name !== entry.name), entry].sort((a, b) => a.name.localeCompare(b.name));
}
