import { describe, expect, it } from 'vitest';
import { captureLogs } from '@gateway/service-kit/testing';
import { TrustedProxies } from './trusted-proxies.js';

describe('TrustedProxies', () => {
  it('matches addresses, CIDR blocks and IPv4-mapped IPv6 peers', async () => {
    const trusted = await TrustedProxies.create(['10.0.0.0/8', '192.0.2.7', 'fd00::/8'], captureLogs('broker').logger);
    expect(trusted.has('10.1.2.3')).toBe(true);
    expect(trusted.has('::ffff:10.1.2.3')).toBe(true);
    expect(trusted.has('192.0.2.7')).toBe(true);
    expect(trusted.has('192.0.2.8')).toBe(false);
    expect(trusted.has('fd12::1')).toBe(true);
    expect(trusted.has('2001:db8::1')).toBe(false);
    expect(trusted.has(undefined)).toBe(false);
    trusted.close();
  });

  it('resolves host names, and keeps going when one does not resolve yet', async () => {
    const logs = captureLogs('broker');
    const trusted = await TrustedProxies.create(['localhost', 'no-such-host.invalid'], logs.logger);
    expect(trusted.has('127.0.0.1')).toBe(true);
    expect(await trusted.check('192.0.2.1')).toBe(false);
    expect(logs.matching('does not resolve').length).toBeGreaterThanOrEqual(1);
    expect(logs.matching('does not resolve')[0]).toMatchObject({ trustedProxy: 'no-such-host.invalid' });
    trusted.close();
  });
});
