// Which topics clients may publish to and subscribe within, from the configured deny and allow lists
// of topic filters (deny wins; an empty allow list allows everything not denied).
import { matchTopic } from '@gateway/topics/match';

export interface TopicPolicy {
  canPublish(topic: string): boolean;
  canSubscribe(filter: string): boolean;
}

/**
 * A subscription filter is treated as a topic for matching, so `secret/#` in the deny list also refuses
 * `secret/+/x` and `secret/#`, and `sensors/#` in the allow list admits `sensors/+/temperature` but not `#`.
 */
export function createTopicPolicy(lists: { deny: readonly string[]; allow: readonly string[] }): TopicPolicy {
  const permits = (topicOrFilter: string): boolean => {
    if (lists.deny.some((filter) => matchTopic(filter, topicOrFilter))) return false;
    return lists.allow.length === 0 || lists.allow.some((filter) => matchTopic(filter, topicOrFilter));
  };
  return { canPublish: permits, canSubscribe: permits };
}
