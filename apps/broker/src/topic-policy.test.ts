import { describe, expect, it } from 'vitest';
import { createTopicPolicy } from './topic-policy.js';

describe('createTopicPolicy', () => {
  it('allows everything with empty lists', () => {
    const policy = createTopicPolicy({ deny: [], allow: [] });
    expect(policy.canPublish('a/b')).toBe(true);
    expect(policy.canSubscribe('#')).toBe(true);
  });

  it('refuses denied topics and filters within them', () => {
    const policy = createTopicPolicy({ deny: ['test/nosubscribe', 'secret/#'], allow: [] });
    expect(policy.canSubscribe('test/nosubscribe')).toBe(false);
    expect(policy.canSubscribe('test/other')).toBe(true);
    expect(policy.canSubscribe('secret/+/x')).toBe(false);
    expect(policy.canPublish('secret')).toBe(false);
    expect(policy.canPublish('secretive')).toBe(true);
  });

  it('only admits allowed topics when an allow list is set, deny still winning', () => {
    const policy = createTopicPolicy({ deny: ['sensors/private/#'], allow: ['sensors/#'] });
    expect(policy.canSubscribe('sensors/+/temperature')).toBe(true);
    expect(policy.canSubscribe('#')).toBe(false);
    expect(policy.canPublish('actuators/x')).toBe(false);
    expect(policy.canPublish('sensors/private/key')).toBe(false);
  });
});
