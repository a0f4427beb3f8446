import { describe, expect, it } from 'vitest';
import { describeRefusal, isAuthRefusal } from './refusal';

describe('connect refusals', () => {
  it('need a login for bad credentials and "not authorized", in MQTT 3.1.1 and 5', () => {
    expect([4, 5, 0x86, 0x87].map(isAuthRefusal)).toEqual([true, true, true, true]);
    expect([1, 2, 3, 0x88, 0x89, 0x9f].map(isAuthRefusal)).toEqual([false, false, false, false, false, false]);
  });

  it('are described with the standard wording and the code, or the client message for others', () => {
    expect(describeRefusal(4, 'Connection refused: Bad username or password').reason).toBe('The broker refused the connection: bad user name or password (CONNACK 4).');
    expect(describeRefusal(5, 'x')).toEqual({ code: 5, reason: 'The broker refused the connection: not authorized (CONNACK 5).' });
    expect(describeRefusal(3, 'Connection refused: Server unavailable').reason).toBe('Connection refused: Server unavailable');
  });
});
