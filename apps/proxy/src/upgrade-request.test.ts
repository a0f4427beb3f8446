import { describe, expect, it } from 'vitest';
import { upgradeRequestHead } from './upgrade-request.js';

describe('upgradeRequestHead', () => {
  it('keeps the request line and headers and replaces the X-Forwarded headers with its own', () => {
    const head = upgradeRequestHead(
      {
        method: 'GET',
        url: '/mqtt?x=1',
        httpVersion: '1.1',
        rawHeaders: [
          'Host',
          'gw.local:8020',
          'Upgrade',
          'websocket',
          'X-Forwarded-For',
          '10.0.0.1',
          'Sec-WebSocket-Protocol',
          'mqtt',
          'x-forwarded-for',
          '10.0.0.2',
          'X-Real-IP',
          'spoofed',
          'X-Forwarded-Proto',
          'https',
          'Forwarded',
          'for=10.0.0.3',
          'X-Client-Cert-CN',
          'admin',
        ],
      },
      { clientIp: '192.168.1.20', proto: 'ws' },
    ).toString('latin1');
    expect(head).toBe(
      [
        'GET /mqtt?x=1 HTTP/1.1',
        'Host: gw.local:8020',
        'Upgrade: websocket',
        'Sec-WebSocket-Protocol: mqtt',
        'X-Forwarded-For: 192.168.1.20',
        'X-Forwarded-Proto: ws',
        'X-Real-IP: 192.168.1.20',
        '',
        '',
      ].join('\r\n'),
    );
  });
});

describe('upgradeRequestHead over TLS', () => {
  it('passes the verified client certificate CN, never the client’s own X-Client-Cert-CN', () => {
    const head = upgradeRequestHead(
      { method: 'GET', url: '/mqtt', httpVersion: '1.1', rawHeaders: ['Host', 'gw.local:8443', 'x-client-cert-cn', 'admin'] },
      { clientIp: '::1', proto: 'wss', clientCertCn: 'sensor-7' },
    ).toString('latin1');
    expect(head).toBe(['GET /mqtt HTTP/1.1', 'Host: gw.local:8443', 'X-Forwarded-For: ::1', 'X-Forwarded-Proto: wss', 'X-Real-IP: ::1', 'X-Client-Cert-CN: sensor-7', '', ''].join('\r\n'));
  });
});
