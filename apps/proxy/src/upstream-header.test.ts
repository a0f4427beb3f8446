import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { metricValue, waitFor } from '@gateway/service-kit/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createTestCa, type PemPair, type TestCa } from './testing/certificates.js';
import { socketOutcome, startHeaderCapture, type HeaderCapture } from './testing/header-capture.js';
import { startTestProxy, type TestProxy } from './testing/test-proxy.js';

/** Connects over TLS to the proxy's MQTT-over-TLS port and resolves once the handshake is done. */
async function tlsClient(proxy: TestProxy, options: ConnectionOptions = {}): Promise<TLSSocket> {
  const socket = connectTls({ host: '127.0.0.1', port: proxy.tlsPort ?? 0, rejectUnauthorized: false, ...options });
  await once(socket, 'secureConnect');
  return socket;
}

describe('PROXY protocol v2 header to the raw MQTT upstream', () => {
  let capture: HeaderCapture;
  let ca: TestCa;
  let sensor: PemPair;
  let stranger: PemPair;
  let proxy: TestProxy;
  let dir: string;

  beforeAll(async () => {
    capture = await startHeaderCapture();
    ca = await createTestCa();
    sensor = await ca.issue('sensor-7');
    stranger = await (await createTestCa('some other CA')).issue('admin');
    dir = await mkdtemp(join(tmpdir(), 'proxy-client-ca-'));
    const caFile = join(dir, 'clients-ca.pem');
    await writeFile(caFile, ca.cert);
    proxy = await startTestProxy({
      tcpUpstreams: capture.address,
      wsUpstreams: '127.0.0.1:1',
      env: { PROXY_UPSTREAM_PROXY_PROTOCOL: 'true', PROXY_TLS_CLIENT_CA_FILE: caFile },
    });
  });
  afterAll(async () => {
    await proxy.close();
    await capture.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives a plain TCP client’s real address and port, then the client’s bytes untouched', async () => {
    const before = capture.connections.length;
    const socket = connect(proxy.tcpPort, '127.0.0.1');
    await once(socket, 'connect');
    socket.write('hello broker');
    const upstream = await capture.connection(before, 'hello broker'.length);
    expect(upstream.header).toMatchObject({
      command: 'PROXY',
      family: 'IPv4',
      transport: 'stream',
      source: { address: '127.0.0.1', port: socket.localPort },
      destination: { address: '127.0.0.1', port: proxy.tcpPort },
      tlvs: [],
    });
    expect(upstream.bytes().toString()).toBe('hello broker');
    socket.destroy();
  });

  it('passes a verified client certificate’s CN in PP2_TYPE_SSL', async () => {
    const before = capture.connections.length;
    const socket = await tlsClient(proxy, { cert: sensor.cert, key: sensor.key });
    socket.write('CONNECT');
    const upstream = await capture.connection(before, 'CONNECT'.length);
    expect(upstream.header).toMatchObject({
      command: 'PROXY',
      source: { address: '127.0.0.1', port: socket.localPort },
      destination: { address: '127.0.0.1', port: proxy.tlsPort },
      sslCommonName: 'sensor-7',
      ssl: { verified: true, verifyResult: 0, commonName: 'sensor-7', version: socket.getProtocol(), cipher: socket.getCipher().name },
    });
    expect(upstream.bytes().toString()).toBe('CONNECT');
    socket.destroy();
  });

  it('says so when a TLS client has no certificate, or one the client CA did not sign, and passes no CN', async () => {
    const before = capture.connections.length;
    const anonymous = await tlsClient(proxy);
    anonymous.write('a');
    const first = await capture.connection(before, 1);
    expect(first.header?.ssl).toMatchObject({ client: 0x01, verified: false, verifyResult: 1 });
    expect(first.header?.ssl?.commonName).toBeUndefined();
    expect(first.header?.sslCommonName).toBeUndefined();

    const impostor = await tlsClient(proxy, { cert: stranger.cert, key: stranger.key });
    impostor.write('b');
    const second = await capture.connection(before + 1, 1);
    // PP2_CLIENT_SSL | PP2_CLIENT_CERT_CONN: a certificate came, and it was not verified.
    expect(second.header?.ssl).toMatchObject({ client: 0x03, verified: false });
    expect(second.header?.ssl?.commonName).toBeUndefined();
    expect(second.header?.sslCommonName).toBeUndefined();
    anonymous.destroy();
    impostor.destroy();
  });
});

describe('PROXY_TLS_REQUIRE_CLIENT_CERT', () => {
  it('refuses TLS clients without a verified certificate before connecting upstream', async () => {
    await using capture = await startHeaderCapture();
    const ca = await createTestCa();
    const sensor = await ca.issue('sensor-9');
    const stranger = await (await createTestCa('some other CA')).issue('sensor-9');
    const dir = await mkdtemp(join(tmpdir(), 'proxy-client-ca-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const caFile = join(dir, 'clients-ca.pem');
    await writeFile(caFile, ca.cert);
    await using strict = await startTestProxy({
      tcpUpstreams: capture.address,
      wsUpstreams: '127.0.0.1:1',
      env: { PROXY_UPSTREAM_PROXY_PROTOCOL: 'on', PROXY_TLS_CLIENT_CA_FILE: caFile, PROXY_TLS_REQUIRE_CLIENT_CERT: 'true' },
    });

    for (const credentials of [{}, { cert: stranger.cert, key: stranger.key }]) {
      const socket = connectTls({ host: '127.0.0.1', port: strict.tlsPort ?? 0, rejectUnauthorized: false, ...credentials });
      let received = 0;
      socket.on('data', (chunk: Buffer) => (received += chunk.length));
      socket.once('secureConnect', () => socket.write('CONNECT'));
      // TLS 1.3: the client finishes its side of the handshake before the server has checked its certificate.
      await socketOutcome(socket);
      expect(received).toBe(0);
    }
    await waitFor(async () => metricValue(await strict.metrics(), 'gateway_proxy_tls_handshake_failures_total', 'listener="tls",reason="client-certificate"') === 2, {
      what: 'both refusals to be counted',
    });
    expect(strict.logs.matching('TLS client refused: no verified client certificate').map((line) => line.reason)).toEqual([
      'no certificate sent',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    ]);
    expect(capture.connections).toHaveLength(0);

    const socket = await tlsClient(strict, { cert: sensor.cert, key: sensor.key });
    socket.write('x');
    expect((await capture.connection(0, 1)).header?.sslCommonName).toBe('sensor-9');
    socket.destroy();
  });

  it('is off by default: the upstream gets the client’s bytes and nothing before them', async () => {
    await using capture = await startHeaderCapture();
    await using proxy = await startTestProxy({ tcpUpstreams: capture.address, wsUpstreams: '127.0.0.1:1' });
    const plain = connect(proxy.tcpPort, '127.0.0.1');
    plain.write('plain');
    const overTls = await tlsClient(proxy);
    overTls.write('tls');
    await waitFor(() => capture.connections.length === 2 && capture.connections.every((connection) => connection.bytes().length > 0), { what: 'both connections' });
    expect(capture.connections.map((connection) => [connection.header, connection.bytes().toString()]).sort()).toEqual([
      [undefined, 'plain'],
      [undefined, 'tls'],
    ]);
    plain.destroy();
    overTls.destroy();
  });
});
