// The ACL policy: each access word, deny before allow, user and anonymous rules, %c/%u patterns and
// client ids that must not widen them, subscription filter coverage, $SYS, delivery checks, and
// properties over random rule sets checked against @gateway/topics' matcher.
import { matchTopic } from '@gateway/topics/match';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allowAll, isSysTopic, type AccessClient } from './access-policy.js';
import { parseAclFile } from './acl-file.js';
import { createAclPolicy } from './acl-policy.js';

function policyOf(...lines: string[]) {
  return createAclPolicy(parseAclFile(lines.join('\n'), 'acl'));
}

const anonymous: AccessClient = { clientId: 'anon-1' };
const alice: AccessClient = { clientId: 'alice-phone', username: 'alice' };
const bob: AccessClient = { clientId: 'bob-laptop', username: 'bob' };

describe('access words', () => {
  it('read allows subscribing and receiving, not publishing', () => {
    const policy = policyOf('topic read sensors/#');
    expect(policy.canSubscribe(anonymous, 'sensors/#')).toBe(true);
    expect(policy.canReceive(anonymous, 'sensors/kitchen/temperature')).toBe(true);
    expect(policy.canPublish(anonymous, 'sensors/kitchen/temperature')).toBe(false);
  });

  it('write allows publishing, not subscribing or receiving', () => {
    const policy = policyOf('topic write commands/+');
    expect(policy.canPublish(anonymous, 'commands/reboot')).toBe(true);
    expect(policy.canPublish(anonymous, 'commands/reboot/now')).toBe(false);
    expect(policy.canSubscribe(anonymous, 'commands/+')).toBe(false);
    expect(policy.canSubscribe(anonymous, 'commands/reboot')).toBe(false);
    expect(policy.canReceive(anonymous, 'commands/reboot')).toBe(false);
  });

  it('readwrite, written or left out, allows all three', () => {
    for (const line of ['topic readwrite chat/#', 'topic chat/#']) {
      const policy = policyOf(line);
      expect(policy.canPublish(anonymous, 'chat/room'), line).toBe(true);
      expect(policy.canSubscribe(anonymous, 'chat/#'), line).toBe(true);
      expect(policy.canReceive(anonymous, 'chat/room'), line).toBe(true);
      expect(policy.canPublish(anonymous, 'other'), line).toBe(false);
    }
  });

  it('nothing is allowed without a matching rule', () => {
    const policy = policyOf('# no rules at all');
    expect(policy.canPublish(anonymous, 'a')).toBe(false);
    expect(policy.canSubscribe(anonymous, '#')).toBe(false);
    expect(policy.canReceive(anonymous, 'a')).toBe(false);
  });

  it('refuses invalid topic names and filters whatever the rules say', () => {
    const policy = policyOf('topic readwrite #');
    expect(policy.canPublish(anonymous, 'a/+')).toBe(false);
    expect(policy.canPublish(anonymous, 'a/#')).toBe(false);
    expect(policy.canPublish(anonymous, '')).toBe(false);
    expect(policy.canSubscribe(anonymous, 'a/#/b')).toBe(false);
    expect(policy.canSubscribe(anonymous, 'a+')).toBe(false);
    expect(policy.canSubscribe(anonymous, '')).toBe(false);
    expect(policy.canReceive(anonymous, 'a/+')).toBe(false);
    expect(policy.canReceive(anonymous, '')).toBe(false);
    expect(policy.canPublish(anonymous, 'a/b')).toBe(true);
  });
});

describe('deny', () => {
  it('refuses whatever allows it, before or after the allow rule', () => {
    for (const lines of [
      ['topic readwrite #', 'topic deny secret/#'],
      ['topic deny secret/#', 'topic readwrite #'],
    ]) {
      const policy = policyOf(...lines);
      expect(policy.canPublish(anonymous, 'secret/plans')).toBe(false);
      expect(policy.canPublish(anonymous, 'secret')).toBe(false);
      expect(policy.canSubscribe(anonymous, 'secret/#')).toBe(false);
      expect(policy.canSubscribe(anonymous, 'secret/+')).toBe(false);
      expect(policy.canSubscribe(anonymous, 'secret/plans')).toBe(false);
      expect(policy.canReceive(anonymous, 'secret/plans')).toBe(false);
      expect(policy.canPublish(anonymous, 'public/plans')).toBe(true);
      expect(policy.canReceive(anonymous, 'public/plans')).toBe(true);
    }
  });

  it('a deny pattern refuses as well', () => {
    const policy = policyOf('topic readwrite #', 'pattern deny devices/%c/config');
    expect(policy.canPublish({ clientId: 'd1' }, 'devices/d1/config')).toBe(false);
    expect(policy.canPublish({ clientId: 'd1' }, 'devices/d2/config')).toBe(true);
    expect(policy.canReceive({ clientId: 'd2' }, 'devices/d2/config')).toBe(false);
  });

  it('refuses subscriptions to test/nosubscribe under readwrite #, and its deliveries through wider filters', () => {
    const policy = policyOf('topic readwrite #', 'topic deny test/nosubscribe');
    expect(policy.canSubscribe(anonymous, 'test/nosubscribe')).toBe(false);
    expect(policy.canPublish(anonymous, 'test/nosubscribe')).toBe(false);
    // A wider filter is granted (it is not the denied topic) ...
    expect(policy.canSubscribe(anonymous, 'test/#')).toBe(true);
    expect(policy.canSubscribe(anonymous, 'test/+')).toBe(true);
    expect(policy.canSubscribe(anonymous, '#')).toBe(true);
    // ... and delivery is where test/nosubscribe is refused.
    expect(policy.canReceive(anonymous, 'test/nosubscribe')).toBe(false);
    expect(policy.canReceive(anonymous, 'test/other')).toBe(true);
    expect(policy.canReceive(anonymous, 'test/nosubscribe/child')).toBe(true);
    expect(policy.canSubscribe(anonymous, 'test/other')).toBe(true);
  });

  it('a deny with a wildcard refuses every subscription filter it matches as a topic', () => {
    const policy = policyOf('topic readwrite #', 'topic deny +/private/#');
    expect(policy.canSubscribe(anonymous, 'alice/private/#')).toBe(false);
    expect(policy.canSubscribe(anonymous, '+/private/x')).toBe(false);
    expect(policy.canSubscribe(anonymous, 'alice/#')).toBe(true);
    expect(policy.canReceive(anonymous, 'alice/private/diary')).toBe(false);
    expect(policy.canReceive(anonymous, 'alice/public')).toBe(true);
  });
});

describe('users and anonymous clients', () => {
  const policy = policyOf(
    'topic read public/#',
    'user alice',
    'topic readwrite alice/#',
    'topic read shared/#',
    'user bob',
    'topic readwrite bob/#',
    'topic deny shared/#',
    'pattern read everyone/#',
  );

  it('anonymous clients get the rules above any user line, and patterns', () => {
    expect(policy.canReceive(anonymous, 'public/news')).toBe(true);
    expect(policy.canReceive(anonymous, 'everyone/news')).toBe(true);
    expect(policy.canPublish(anonymous, 'alice/x')).toBe(false);
    expect(policy.canReceive(anonymous, 'shared/x')).toBe(false);
  });

  it("a user gets its own section's rules and patterns, not the anonymous ones or another user's", () => {
    expect(policy.canPublish(alice, 'alice/status')).toBe(true);
    expect(policy.canReceive(alice, 'shared/doc')).toBe(true);
    expect(policy.canReceive(alice, 'everyone/news')).toBe(true);
    expect(policy.canReceive(alice, 'public/news')).toBe(false);
    expect(policy.canPublish(alice, 'bob/status')).toBe(false);
    expect(policy.canPublish(bob, 'bob/status')).toBe(true);
    expect(policy.canReceive(bob, 'shared/doc')).toBe(false);
  });

  it('a user with no section gets only the patterns, and the client id does not stand for the user name', () => {
    const carol: AccessClient = { clientId: 'carol', username: 'carol' };
    expect(policy.canReceive(carol, 'everyone/news')).toBe(true);
    expect(policy.canReceive(carol, 'public/news')).toBe(false);
    expect(policy.canPublish({ clientId: 'alice' }, 'alice/status')).toBe(false);
  });
});

describe('patterns', () => {
  it('substitute the client id for %c', () => {
    const policy = policyOf('pattern readwrite devices/%c/#');
    const device = { clientId: 'thermostat-7' };
    expect(policy.canPublish(device, 'devices/thermostat-7/temperature')).toBe(true);
    expect(policy.canPublish(device, 'devices/thermostat-7')).toBe(true);
    expect(policy.canSubscribe(device, 'devices/thermostat-7/#')).toBe(true);
    expect(policy.canPublish(device, 'devices/thermostat-8/temperature')).toBe(false);
    expect(policy.canSubscribe(device, 'devices/+/temperature')).toBe(false);
    expect(policy.canSubscribe(device, 'devices/#')).toBe(false);
    expect(policy.canPublish(alice, 'devices/alice-phone/x')).toBe(true);
  });

  it('substitute the user name for %u, and a %u pattern gives an anonymous client nothing', () => {
    const policy = policyOf('pattern read users/%u/inbox/#', 'pattern write users/%u/outbox');
    expect(policy.canReceive(alice, 'users/alice/inbox/1')).toBe(true);
    expect(policy.canPublish(alice, 'users/alice/outbox')).toBe(true);
    expect(policy.canReceive(alice, 'users/bob/inbox/1')).toBe(false);
    expect(policy.canPublish(alice, 'users/alice/inbox/1')).toBe(false);
    const anonymousAlice: AccessClient = { clientId: 'alice' };
    expect(policy.canReceive(anonymousAlice, 'users/alice/inbox/1')).toBe(false);
    expect(policy.canSubscribe(anonymousAlice, 'users/+/inbox/#')).toBe(false);
    expect(policy.canPublish(anonymousAlice, 'users/alice/outbox')).toBe(false);
    expect(policy.canPublish({ clientId: 'x', username: undefined }, 'users/undefined/outbox')).toBe(false);
  });

  it('substitute both in one pattern', () => {
    const policy = policyOf('pattern readwrite %u/%c/#');
    expect(policy.canPublish(alice, 'alice/alice-phone/gps')).toBe(true);
    expect(policy.canPublish(alice, 'alice/bob-laptop/gps')).toBe(false);
    expect(policy.canPublish(anonymous, 'anon-1/anon-1/gps')).toBe(false);
  });

  it('an unsafe client id (with /, + or #, or empty) does not widen an allow pattern', () => {
    const policy = policyOf('pattern readwrite devices/%c/#');
    const slash = { clientId: 'a/b' };
    expect(policy.canPublish(slash, 'devices/a/b/x')).toBe(false);
    expect(policy.canSubscribe(slash, 'devices/a/b/#')).toBe(false);
    expect(policy.canReceive(slash, 'devices/a/b')).toBe(false);
    expect(policy.canPublish({ clientId: 'a' }, 'devices/a/b/x')).toBe(true);
    for (const clientId of ['+', '#', 'a+', 'x#', '']) {
      const client = { clientId };
      expect(policy.canSubscribe(client, 'devices/+/#'), clientId).toBe(false);
      expect(policy.canSubscribe(client, 'devices/#'), clientId).toBe(false);
      expect(policy.canReceive(client, 'devices/other/x'), clientId).toBe(false);
      expect(policy.canReceive(client, `devices/${clientId}/x`), clientId).toBe(false);
      expect(policy.canPublish(client, 'devices/other/x'), clientId).toBe(false);
    }
  });

  it('an unsafe user name does not widen a %u pattern either', () => {
    const policy = policyOf('pattern readwrite home/%u/#');
    for (const username of ['a/b', '+', '#']) {
      const client = { clientId: 'c', username };
      expect(policy.canReceive(client, 'home/a/b'), username).toBe(false);
      expect(policy.canReceive(client, 'home/x/y'), username).toBe(false);
      expect(policy.canSubscribe(client, 'home/#'), username).toBe(false);
    }
  });

  it("a client id starting with $ does not reach the broker's own topics through a leading %c", () => {
    const policy = policyOf('pattern readwrite %c/#', 'pattern read devices/%c/#');
    const sys = { clientId: '$SYS' };
    expect(policy.canSubscribe(sys, '$SYS/#')).toBe(false);
    expect(policy.canReceive(sys, '$SYS/broker/uptime')).toBe(false);
    expect(policy.canSubscribe({ clientId: '$share' }, '$share/group/#')).toBe(false);
    // Below the first level a $ is an ordinary character.
    expect(policy.canReceive(sys, 'devices/$SYS/x')).toBe(true);
    expect(policy.canPublish({ clientId: 'dev' }, 'dev/x')).toBe(true);
  });

  it('a deny pattern still refuses with an unsafe client id', () => {
    const policy = policyOf('topic readwrite #', 'pattern deny devices/%c/#');
    expect(policy.canPublish({ clientId: 'a/b' }, 'devices/a/b/x')).toBe(false);
    expect(policy.canPublish({ clientId: 'a/b' }, 'devices/c/x')).toBe(true);
    expect(policy.canReceive({ clientId: '+' }, 'devices/anyone/x')).toBe(false);
    expect(policy.canPublish({ clientId: '+' }, 'other/x')).toBe(true);
  });
});

describe('subscription filters', () => {
  it('are allowed only inside a read rule: sensors/# admits sensors/+/t but not #', () => {
    const policy = policyOf('topic read sensors/#');
    for (const filter of ['sensors/#', 'sensors/+/t', 'sensors/kitchen/t', 'sensors', 'sensors/+', 'sensors/a/#']) {
      expect(policy.canSubscribe(anonymous, filter), filter).toBe(true);
    }
    for (const filter of ['#', '+/#', '+/t', '+', 'sensor/#', 'other/#']) {
      expect(policy.canSubscribe(anonymous, filter), filter).toBe(false);
    }
  });

  it('a single-level rule admits its own filter and topics, not a wider filter', () => {
    const policy = policyOf('topic read sensors/+/t');
    expect(policy.canSubscribe(anonymous, 'sensors/+/t')).toBe(true);
    expect(policy.canSubscribe(anonymous, 'sensors/kitchen/t')).toBe(true);
    expect(policy.canSubscribe(anonymous, 'sensors/#')).toBe(false);
    expect(policy.canSubscribe(anonymous, 'sensors/+/+')).toBe(false);
    expect(policy.canSubscribe(anonymous, 'sensors/+/t/#')).toBe(false);
  });

  it('may be covered by several rules only if one rule covers the whole filter', () => {
    const policy = policyOf('topic read a/x', 'topic read a/y');
    expect(policy.canSubscribe(anonymous, 'a/x')).toBe(true);
    expect(policy.canSubscribe(anonymous, 'a/+')).toBe(false);
  });
});

describe('$SYS', () => {
  it('is never publishable, even with a rule that allows writing it', () => {
    const policy = policyOf('topic readwrite #', 'topic readwrite $SYS/#', 'topic readwrite $SYS', 'topic write $SYSTEM/#');
    expect(policy.canPublish(anonymous, '$SYS/broker/uptime')).toBe(false);
    expect(policy.canPublish(anonymous, '$SYS')).toBe(false);
    expect(policy.canPublish(anonymous, '$SYSTEM/x')).toBe(true);
  });

  it('can be subscribed to and received only with a rule that names it: # does not cover it', () => {
    const everything = policyOf('topic readwrite #');
    expect(everything.canSubscribe(anonymous, '#')).toBe(true);
    expect(everything.canSubscribe(anonymous, '$SYS/#')).toBe(false);
    expect(everything.canSubscribe(anonymous, '$SYS/broker/uptime')).toBe(false);
    expect(everything.canReceive(anonymous, '$SYS/broker/uptime')).toBe(false);

    const monitoring = policyOf('user monitor', 'topic read $SYS/#');
    const monitor = { clientId: 'm', username: 'monitor' };
    expect(monitoring.canSubscribe(monitor, '$SYS/#')).toBe(true);
    expect(monitoring.canSubscribe(monitor, '$SYS/broker/clients/+')).toBe(true);
    expect(monitoring.canReceive(monitor, '$SYS/broker/uptime')).toBe(true);
    expect(monitoring.canPublish(monitor, '$SYS/broker/uptime')).toBe(false);
    expect(monitoring.canReceive(anonymous, '$SYS/broker/uptime')).toBe(false);
  });

  it('without an ACL file, everything is allowed except publishing to $SYS', () => {
    expect(allowAll.canPublish(anonymous, 'a/b')).toBe(true);
    expect(allowAll.canPublish(anonymous, '$SYS/x')).toBe(false);
    expect(allowAll.canPublish(anonymous, '$SYS')).toBe(false);
    expect(allowAll.canSubscribe(anonymous, '#')).toBe(true);
    expect(allowAll.canReceive(anonymous, '$SYS/x')).toBe(true);
    expect(isSysTopic('$SYS')).toBe(true);
    expect(isSysTopic('$SYS/a')).toBe(true);
    expect(isSysTopic('$SYSTEM')).toBe(false);
    expect(isSysTopic('a/$SYS')).toBe(false);
    expect(Object.isFrozen(allowAll)).toBe(true);
  });
});

describe('properties over random rule sets', () => {
  const level = fc.constantFrom('a', 'b', 'c', '');
  const filterLevel = fc.constantFrom('a', 'b', 'c', '+', '');
  const filterOf = (levels: fc.Arbitrary<string>) =>
    fc
      .tuple(fc.array(levels, { minLength: 1, maxLength: 4 }), fc.boolean())
      .map(([levels, multi]) => (multi ? [...levels, '#'] : levels).join('/'))
      .filter((filter) => filter !== ''); // one empty level is no filter at all
  const topicFilter = fc.oneof(filterOf(filterLevel), fc.constant('#'));
  const patternFilter = fc.oneof(filterOf(fc.oneof(filterLevel, fc.constant('%c'), fc.constant('%u'))), fc.constant('#'));
  const access = fc.constantFrom('read', 'write', 'readwrite', 'deny');
  const topicLine = fc.tuple(access, topicFilter).map(([word, filter]) => `topic ${word} ${filter}`);
  const patternLine = fc.tuple(access, patternFilter).map(([word, filter]) => `pattern ${word} ${filter}`);
  const aclText = fc
    .tuple(fc.array(fc.oneof(topicLine, patternLine), { maxLength: 6 }), fc.array(fc.oneof(topicLine, patternLine), { maxLength: 6 }))
    .map(([anonymousLines, userLines]) => [...anonymousLines, 'user u', ...userLines].join('\n'));
  const topic = fc.oneof(fc.array(level, { minLength: 1, maxLength: 5 }).map((levels) => levels.join('/')), fc.constantFrom('$SYS/a', '$SYS'));
  const client = fc.record({
    clientId: fc.constantFrom('a', 'b', 'a/b', '+', '#', '$SYS', 'c'),
    username: fc.constantFrom(undefined, 'u', 'v'),
  });

  /** The filters of the rules that apply to `client` with `wanted` access, substituted as written. */
  function applicable(text: string, who: AccessClient, wanted: (word: string) => boolean): string[] {
    const rules = parseAclFile(text);
    const own = who.username === undefined ? rules.anonymous : (rules.users.get(who.username) ?? []);
    const filters = own.filter((rule) => wanted(rule.access)).map((rule) => rule.filter);
    for (const pattern of rules.patterns.filter((rule) => wanted(rule.access))) {
      if (pattern.filter.split('/').includes('%u') && who.username === undefined) continue;
      filters.push(
        pattern.filter
          .split('/')
          .map((part) => (part === '%c' ? who.clientId : part === '%u' ? (who.username ?? '') : part))
          .join('/'),
      );
    }
    return filters;
  }

  it('canPublish is false whenever an applicable deny rule matches the topic', () => {
    fc.assert(
      fc.property(aclText, client, topic, (text, who, name) => {
        const denies = applicable(text, who, (word) => word === 'deny');
        if (denies.some((filter) => matchTopic(filter, name))) {
          expect(createAclPolicy(parseAclFile(text)).canPublish(who, name)).toBe(false);
          expect(createAclPolicy(parseAclFile(text)).canReceive(who, name)).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('whatever is published or received is matched by a write or read rule, and $SYS is never published', () => {
    fc.assert(
      fc.property(aclText, client, topic, (text, who, name) => {
        const policy = createAclPolicy(parseAclFile(text));
        if (policy.canPublish(who, name)) {
          expect(isSysTopic(name)).toBe(false);
          expect(applicable(text, who, (word) => word === 'write' || word === 'readwrite').some((filter) => matchTopic(filter, name))).toBe(true);
        }
        if (policy.canReceive(who, name)) {
          expect(applicable(text, who, (word) => word === 'read' || word === 'readwrite').some((filter) => matchTopic(filter, name))).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('a granted subscription never delivers a topic that no read rule allows', () => {
    fc.assert(
      fc.property(aclText, client, topicFilter, topic, (text, who, filter, name) => {
        const policy = createAclPolicy(parseAclFile(text));
        if (policy.canSubscribe(who, filter) && matchTopic(filter, name)) {
          const reads = applicable(text, who, (word) => word === 'read' || word === 'readwrite');
          expect(reads.some((readFilter) => matchTopic(readFilter, name))).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
