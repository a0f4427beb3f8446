import { once } from 'node:events';
import { connect as connectTcp, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { encodeProxyHeaderV2, encodeSslTlv } from '@gateway/proxy-protocol';
import { captureLogs, waitFor } from '@gateway/service-kit/testing';
import { connectClient, startTestBroker, type TestBroker } from './testing/test-broker.js';

/** A CONNECT packet (MQTT 3.1.1, clean session) for `clientId`. */
function connectPacket(clientId: string): Buffer {
  const id = Buffer.from(clientId);
  const body = Buffer.concat([Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x02, 0, 60, id.length >> 8, id.length & 0xff]), id]);
  return Buffer.concat([Buffer.from([0x10, body.length]), body]);
}

interface RawConnection {
  socket: Socket;
  /** The CONNACK return code, or 'closed' when the broker closed the connection without one. */
  returnCode: number | 'closed';
}

/** Opens a TCP connection to the broker, writes `preamble` (a PROXY header) and a CONNECT, and reads the answer. */
async function rawConnect(broker: TestBroker, preamble: Buffer, clientId: string): Promise<RawConnection> {
  const socket = connectTcp(broker.tcpPort, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(Buffer.concat([preamble, connectPacket(clientId)]));
  const returnCode = await new Promise<number | 'closed'>((resolve) => {
    socket.once('data', (data: Buffer) => resolve(data[0] === 0x20 ? (data[3] ?? -1) : -1));
    socket.once('close', () => resolve('closed'));
  });
  return { socket, returnCode };
}

const proxied = (address: string, port = 40000, tlvs = {}) =>
  encodeProxyHeaderV2({ source: { address, port }, destination: { address: '10.0.0.1', port: 18831 }, ...tlvs });

describe('client addresses behind the proxy', () => {
  it('takes the client address from a PROXY v2 header sent by a trusted proxy, for logs and per-address limits', async () => {
    const logs = captureLogs('broker', 'info');
    await using broker = await startTestBroker({ proxyProtocol: true, maxConnectionsPerAddress: 1, logLevel: 'info' }, { logger: logs.logger });
    const first = await rawConnect(broker, proxied('203.0.113.7', 51000), 'first');
    const other = await rawConnect(broker, proxied('198.51.100.9'), 'other');
    const second = await rawConnect(broker, proxied('203.0.113.7', 51001), 'second');
    expect([first.returnCode, other.returnCode, second.returnCode]).toEqual([0, 0, 3]);
    const connected = logs.matching('client connected').find((line) => line.clientId === 'first');
    expect(connected).toMatchObject({ remoteAddress: '203.0.113.7:51000', sourceAddress: '203.0.113.7', via: expect.stringMatching(/^127\.0\.0\.1:\d+$/) as unknown });
    for (const connection of [first, other, second]) connection.socket.destroy();
  });

  it('closes a connection from a trusted proxy that sends no PROXY header, and serves untrusted peers directly', async () => {
    await using broker = await startTestBroker({ proxyProtocol: true, connectTimeoutMs: 1000 });
    const headerless = await rawConnect(broker, Buffer.alloc(0), 'headerless');
    expect(headerless.returnCode).toBe('closed');

    await using direct = await startTestBroker({ proxyProtocol: true, trustedProxies: ['10.9.9.9'] });
    await using client = await connectClient(direct.tcpUrl);
    expect(client.connected).toBe(true);
    // A header from a peer that is not trusted is not believed: it is not MQTT, so the connection closes.
    expect((await rawConnect(direct, proxied('203.0.113.7'), 'spoofer')).returnCode).toBe('closed');
  });

  it('authenticates a client by the certificate CN the proxy verified, and never by an unverified one', async () => {
    await using broker = await startTestBroker({ proxyProtocol: true, allowAnonymous: false });
    const verified = proxied('203.0.113.7', 40000, { tlvs: [encodeSslTlv({ clientCertificate: true, verified: true, commonName: 'sensor-17' })] });
    const unverified = proxied('203.0.113.8', 40000, { tlvs: [encodeSslTlv({ clientCertificate: true, verified: false, commonName: 'sensor-17' })] });
    const accepted = await rawConnect(broker, verified, 'cert');
    const refused = await rawConnect(broker, unverified, 'nocert');
    expect([accepted.returnCode, refused.returnCode]).toEqual([0, 5]);
    accepted.socket.destroy();
    refused.socket.destroy();
  });

  it('believes X-Forwarded-For and X-Client-Cert-CN on WebSocket only from a trusted proxy', async () => {
    const headers = { 'x-forwarded-for': '192.0.2.1, 203.0.113.50', 'x-client-cert-cn': 'sensor-17' };
    const logs = captureLogs('broker', 'info');
    await using trusting = await startTestBroker({ allowAnonymous: false }, { logger: logs.logger });
    await using viaProxy = await connectClient(trusting.wsUrl(), { clientId: 'via-proxy', wsOptions: { headers } });
    await waitFor(() => logs.matching('client connected').find((line) => line.clientId === 'via-proxy'));
    expect(logs.matching('client connected').find((line) => line.clientId === 'via-proxy')).toMatchObject({ remoteAddress: '203.0.113.50', sourceAddress: '203.0.113.50' });
    expect(viaProxy.connected).toBe(true);

    await using distrusting = await startTestBroker({ allowAnonymous: false, trustedProxies: ['10.9.9.9'] });
    const refused = await connectClient(distrusting.wsUrl(), { wsOptions: { headers } }).catch((error: unknown) => error);
    expect((refused as { code?: unknown }).code).toBe(5);
  });
});
