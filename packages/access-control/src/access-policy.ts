// What the broker asks before it lets a client publish, subscribe or receive, and the policy it uses
// when no ACL file is configured.

/** The client a question is about: its MQTT client id and, unless it connected anonymously, its user name. */
export interface AccessClient {
  readonly clientId: string;
  readonly username?: string | undefined;
}

export interface AccessPolicy {
  /** Whether `client` may publish to the topic name `topic`. */
  canPublish(client: AccessClient, topic: string): boolean;
  /** Whether `client` may subscribe to the topic filter `filter` (wildcards allowed). */
  canSubscribe(client: AccessClient, filter: string): boolean;
  /** Whether a message published to `topic` may be delivered to `client` (checked at delivery). */
  canReceive(client: AccessClient, topic: string): boolean;
}

/** `$SYS` and everything below it: the broker's own topics, which no client may publish to. */
export function isSysTopic(topic: string): boolean {
  return topic === '$SYS' || topic.startsWith('$SYS/');
}

/** Everything is allowed, except publishing to `$SYS` topics: the policy without an ACL file. */
export const allowAll: AccessPolicy = Object.freeze({
  canPublish: (_client: AccessClient, topic: string) => !isSysTopic(topic),
  canSubscribe: () => true,
  canReceive: () => true,
});
