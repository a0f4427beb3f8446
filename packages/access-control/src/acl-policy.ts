// Deciding publish, subscribe and delivery from parsed ACL rules, as Mosquitto's acl_file does:
// deny rules first, then any matching allow rule; nothing matching means no.
import { filterCovers, isValidTopicFilter, isValidTopicName, matchTopic } from '@gateway/topics/match';
import type { AclRule, AclRules } from './acl-file.js';
import { isSysTopic, type AccessClient, type AccessPolicy } from './access-policy.js';

/** A rule as it applies to one client: patterns substituted, `read`/`write`/`readwrite` as flags. */
interface ClientRule {
  readonly deny: boolean;
  readonly read: boolean;
  readonly write: boolean;
  readonly filter: string;
}

/**
 * A client id or user name that can stand in a topic level of an allow rule: a `/`, `+` or `#` in it
 * would make the rule reach other clients' topics (client `a/b` must not get `devices/a/b/#` when the
 * pattern meant `devices/<one level>/#`), and a leading `$` in the first level would reach the
 * broker's own topics (client `$SYS` must not get `$SYS/#` from `%c/#`).
 */
function isSafeLevel(value: string, first: boolean): boolean {
  return value.length > 0 && !/[/+#]/.test(value) && !(first && value.startsWith('$'));
}

/**
 * The pattern's filter for `client`, or undefined when it does not apply: `%u` never applies to an
 * anonymous client, and an allow pattern never applies with an unsafe value. Deny patterns are
 * substituted as they are, which can only make them refuse more.
 */
function substitute(rule: AclRule, client: AccessClient): string | undefined {
  const levels = rule.filter.split('/');
  const values = { '%c': client.clientId, '%u': client.username };
  const result: string[] = [];
  for (const level of levels) {
    if (level !== '%c' && level !== '%u') {
      result.push(level);
      continue;
    }
    const value = values[level];
    if (value === undefined) return undefined;
    if (rule.access !== 'deny' && !isSafeLevel(value, result.length === 0)) return undefined;
    result.push(value);
  }
  return result.join('/');
}

function toClientRule(rule: AclRule, filter: string): ClientRule {
  return {
    deny: rule.access === 'deny',
    read: rule.access === 'read' || rule.access === 'readwrite',
    write: rule.access === 'write' || rule.access === 'readwrite',
    filter,
  };
}

/**
 * The policy of an ACL file. A client gets the `topic` rules of its user (or the anonymous ones when it
 * has no user name) and every `pattern`. A matching `deny` refuses, whatever allows it; otherwise a
 * `read` (for subscribe and delivery) or `write` (for publish) rule must match. A subscription filter
 * needs a read rule whose filter covers it (`sensors/#` admits `sensors/+/temperature`, not `#`); a
 * deny rule refuses a subscription whose filter it matches as a topic (`deny test/nosubscribe` refuses
 * that filter but not `test/#`, whose deliveries from test/nosubscribe `canReceive` then refuses).
 * `$SYS` topics are never publishable.
 */
export function createAclPolicy(rules: AclRules): AccessPolicy {
  const rulesFor = (client: AccessClient): ClientRule[] => {
    const topics = client.username === undefined ? rules.anonymous : (rules.users.get(client.username) ?? []);
    const applicable = topics.map((rule) => toClientRule(rule, rule.filter));
    for (const pattern of rules.patterns) {
      const filter = substitute(pattern, client);
      if (filter !== undefined) applicable.push(toClientRule(pattern, filter));
    }
    return applicable;
  };

  const decide = (client: AccessClient, access: 'read' | 'write', denies: (filter: string) => boolean, allows: (filter: string) => boolean): boolean => {
    const applicable = rulesFor(client);
    if (applicable.some((rule) => rule.deny && denies(rule.filter))) return false;
    return applicable.some((rule) => rule[access] && allows(rule.filter));
  };

  return {
    canPublish(client, topic) {
      if (!isValidTopicName(topic) || isSysTopic(topic)) return false;
      const matches = (filter: string): boolean => matchTopic(filter, topic);
      return decide(client, 'write', matches, matches);
    },
    canSubscribe(client, filter) {
      if (!isValidTopicFilter(filter)) return false;
      return decide(
        client,
        'read',
        (ruleFilter) => matchTopic(ruleFilter, filter),
        (ruleFilter) => filterCovers(ruleFilter, filter),
      );
    },
    canReceive(client, topic) {
      if (!isValidTopicName(topic)) return false;
      const matches = (filter: string): boolean => matchTopic(filter, topic);
      return decide(client, 'read', matches, matches);
    },
  };
}
