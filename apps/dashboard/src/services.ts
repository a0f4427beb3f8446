// Everything the pages share, created once: the MQTT connection, profiles, the login state,
// subscriptions, the message log with its IndexedDB history, the sensor store and the Image Selector display.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { matchesAny } from '@gateway/topics/match';
import { LoginState } from './auth/login-state';
import { HistoryStore } from './client/history-db';
import { MessageLog } from './client/message-log';
import { ProfileStore } from './client/profile-store';
import type { KeyValueStorage } from './client/profiles';
import { SubscriptionStore } from './client/subscriptions';
import { ImageSelector } from './images/image-selector';
import { ConnectionManager } from './mqtt/connection';
import type { TransportFactory } from './mqtt/transport';
import { SensorStore } from './sensors/sensor-store';

/** Messages kept in memory and in IndexedDB. */
export const LOG_CAPACITY = 5_000;

export interface Services {
  readonly manager: ConnectionManager;
  readonly profiles: ProfileStore;
  readonly login: LoginState;
  readonly subscriptions: SubscriptionStore;
  readonly log: MessageLog;
  readonly sensors: SensorStore;
  readonly images: ImageSelector;
}

export interface ServicesOptions {
  readonly factory: TransportFactory;
  readonly storage: KeyValueStorage | undefined;
  /** Where passwords the user did not ask to remember are kept (sessionStorage); without it, in memory only. */
  readonly sessionStorage?: KeyValueStorage | undefined;
  readonly location: Pick<Location, 'protocol' | 'host'>;
  readonly logCapacity?: number;
  readonly requestFrame?: (callback: () => void) => unknown;
}

export function createServices(options: ServicesOptions): Services {
  const manager = new ConnectionManager({ factory: options.factory });
  const frame = options.requestFrame ? { requestFrame: options.requestFrame } : {};
  const profiles = new ProfileStore(options.storage, options.location, options.sessionStorage);
  const login = new LoginState(manager, profiles);
  const subscriptions = new SubscriptionStore(manager, options.storage);
  const log = new MessageLog({ capacity: options.logCapacity ?? LOG_CAPACITY, ...frame });
  const sensors = new SensorStore(frame);
  const images = new ImageSelector(manager);
  // The log records what the user subscribed to, not the pages' own subscriptions.
  manager.onMessage((message) => {
    if (matchesAny(subscriptions.list.value.map((item) => item.filter), message.topic)) log.add(message);
  });
  sensors.attach(manager);
  images.attach();
  return { manager, profiles, login, subscriptions, log, sensors, images };
}

/** Opens the IndexedDB history and loads it into the log; a browser without IndexedDB just has no history. */
export async function attachHistory(log: MessageLog, capacity = LOG_CAPACITY): Promise<HistoryStore | undefined> {
  try {
    const history = await HistoryStore.open({ maxEntries: capacity });
    await log.attachHistory(history);
    addEventListener('pagehide', () => void history.flush());
    return history;
  } catch (error) {
    console.warn('message history unavailable', error);
    return undefined;
  }
}

export const ServicesContext = createContext<Services | undefined>(undefined);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices() needs a <ServicesContext.Provider>');
  return services;
}
