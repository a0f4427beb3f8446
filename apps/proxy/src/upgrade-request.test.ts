import { describe, expect, it } from 'vitest';
import { upgradeRequestHead } from './upgrade-request.js';

describe('upgradeRequestHead', () => {
  it('keeps the request line and headers and adds the X-Forwarded headers', () => {
    const head = upgradeRequestHead(
      {
        method: 'GET',
        url: '/mqtt?x=1',
        httpVersion: '1.1',
        rawHeaders: ['Host', 'gw.local:8020', 'Upgrade', 'websocket', 'Sec-WebSocket-Protocol', 'mqtt', 'X-Forwarded-For', '10.0.0.1', 'X-Real-IP', 'spoofed'],
      },
      { clientIp: '192.168.1.20', proto: 'http' },
    ).toString('latin1');
    expect(head).toBe(
      [
        'GET /mqtt?x=1 HTTP/1.1',
        'Host: gw.local:8020',
        'Upgrade: websocket',
        'Sec-WebSocket-Protocol: mqtt',
        'X-Forwarded-For: 10.0.0.1, 192.168.1.20',
        'X-Forwarded-Proto: http',
        'X-Real-IP: 192.168.1.20',
        '',
        '',
      ].join('\r\n'),
    );
  });
});
