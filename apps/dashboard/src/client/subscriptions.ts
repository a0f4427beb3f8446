// The user's subscriptions on the Client page: filter, QoS and a colour each, kept in localStorage
// and handed to the connection manager (which renews them after every reconnect).
import { signal } from '@preact/signals';
import { isValidTopicFilter, matchTopic } from '@gateway/topics/match';
import type { ConnectionManager } from '../mqtt/connection';
import type { QoS } from '../mqtt/transport';
import type { KeyValueStorage } from './profiles';

export interface UserSubscription {
  readonly filter: string;
  readonly qos: QoS;
  readonly color: string;
}

export const SUBSCRIPTIONS_KEY = 'gateway-dashboard.subscriptions.v1';

/** Distinct colours that stay readable on white, as a dot or a left border. */
export const SUBSCRIPTION_COLORS = ['#2563eb', '#db2777', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#dc2626', '#4d7c0f', '#c026d3', '#0f766e'];

export function nextColor(used: readonly string[]): string {
  return SUBSCRIPTION_COLORS.find((color) => !used.includes(color)) ?? SUBSCRIPTION_COLORS[used.length % SUBSCRIPTION_COLORS.length] ?? '#2563eb';
}

/** The first subscription whose filter matches the topic (its colour marks the message). */
export function subscriptionFor(subscriptions: readonly UserSubscription[], topic: string): UserSubscription | undefined {
  return subscriptions.find((subscription) => matchTopic(subscription.filter, topic));
}

export class SubscriptionStore {
  readonly list = signal<readonly UserSubscription[]>([]);
  private readonly releases = new Map<string, () => Promise<void>>();

  constructor(
    private readonly manager: ConnectionManager,
    private readonly storage: KeyValueStorage | undefined,
  ) {
    for (const subscription of this.load()) this.add(subscription.filter, subscription.qos, subscription.color);
  }

  /** Adds a subscription; returns an error message when the filter is invalid or already there. */
  add(filter: string, qos: QoS, color?: string): string | undefined {
    if (!isValidTopicFilter(filter)) return `"${filter}" is not a valid topic filter`;
    if (this.releases.has(filter)) return `already subscribed to ${filter}`;
    const entry: UserSubscription = { filter, qos, color: color ?? nextColor(this.list.value.map((item) => item.color)) };
    this.releases.set(filter, this.manager.subscribe(filter, qos));
    this.list.value = [...this.list.value, entry];
    this.save();
    return undefined;
  }

  async remove(filter: string): Promise<void> {
    const release = this.releases.get(filter);
    this.releases.delete(filter);
    this.list.value = this.list.value.filter((item) => item.filter !== filter);
    this.save();
    await release?.();
  }

  private load(): UserSubscription[] {
    try {
      const parsed = JSON.parse(this.storage?.getItem(SUBSCRIPTIONS_KEY) ?? '[]') as unknown;
      if (!Array.isArray(parsed)) return [];
      return parsed.filter(
        (item): item is UserSubscription =>
          typeof item === 'object' && item !== null && typeof (item as UserSubscription).filter === 'string' && [0, 1, 2].includes((item as UserSubscription).qos),
      );
    } catch {
      return [];
    }
  }

  private save(): void {
    try {
      this.storage?.setItem(SUBSCRIPTIONS_KEY, JSON.stringify(this.list.value));
    } catch {
      // Storage unavailable: subscriptions last for this page only.
    }
  }
}
