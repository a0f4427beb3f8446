import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { get } from 'node:https';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { metricValue, waitFor } from '@gateway/service-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverPair, writePair } from './testing/certificates.js';
import { connectClient, nextMessage, type TestClient } from './testing/mqtt-clients.js';
import { startTestProxy } from './testing/test-proxy.js';
import { startTestUpstream, type TestUpstream } from './testing/test-upstream.js';

/** The SHA-256 fingerprint of the certificate a fresh handshake on `port` presents. */
async function presentedFingerprint(port: number): Promise<string> {
  const socket = connectTls({ host: '127.0.0.1', port, rejectUnauthorized: false });
  await once(socket, 'secureConnect');
  const fingerprint = socket.getPeerX509Certificate()?.fingerprint256 ?? 'none';
  socket.destroy();
  return fingerprint;
}

/** GET over HTTPS trusting only `ca`: status and body. */
function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { ca }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** A QoS 1 round trip through `client`'s own subscription: proves its connection still carries traffic. */
async function roundTrip(client: TestClient, topic: string, payload: string): Promise<string> {
  await client.subscribeAsync(topic, { qos: 1 });
  const received = nextMessage(client, topic);
  await client.publishAsync(topic, payload, { qos: 1 });
  return received;
}

describe('TLS listeners with the generated self-signed certificate', () => {
  let broker: TestUpstream;
  let dir: string;
  beforeAll(async () => {
    broker = await startTestUpstream();
    dir = await mkdtemp(join(tmpdir(), 'proxy-tls-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Gateway over TLS</title>');
  });
  afterAll(async () => {
    await broker.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('carries MQTT.js over mqtts:// and wss:// to the broker and serves the dashboard over HTTPS, verified against the generated certificate', async () => {
    await using proxy = await startTestProxy({ tcpUpstreams: broker.tcpAddress, wsUpstreams: broker.wsAddress, env: { PROXY_STATIC_DIR: dir } });
    const certificate = proxy.certificate();
    expect(certificate?.certFile).toBe(join(proxy.config.dataDir, 'tls-self-signed.crt'));
    const ca = await readFile(certificate?.certFile ?? '', 'utf8');
    expect((await stat(join(proxy.config.dataDir, 'tls-self-signed.key'))).mode & 0o777).toBe(0o600);
    expect(new X509Certificate(ca).subject).toBe(`CN=${hostname()}`);

    // Verification stays on: the certificate must name 127.0.0.1 and chain to itself.
    await using overTls = await connectClient(proxy.mqttsUrl, { ca });
    await using overWss = await connectClient(proxy.wssUrl(), { ca });
    await using direct = await connectClient(broker.tcpUrl);
    await direct.subscribeAsync('proxy/tls/+', { qos: 1 });
    await overWss.subscribeAsync('proxy/tls/+', { qos: 1 });
    const atBroker = nextMessage(direct, 'proxy/tls/a');
    const atWss = nextMessage(overWss, 'proxy/tls/a');
    const payload = 's'.repeat(50_000);
    await overTls.publishAsync('proxy/tls/a', payload, { qos: 1 });
    expect(await atBroker).toBe(payload);
    expect(await atWss).toBe(payload);

    const page = await httpsGet(`${proxy.httpsUrl}/`, ca);
    expect(page).toEqual({ status: 200, body: '<!doctype html><title>Gateway over TLS</title>' });

    const metrics = await proxy.metrics();
    for (const listener of ['tls', 'wss']) expect(metricValue(metrics, 'gateway_proxy_connections_active', `listener="${listener}"`)).toBe(1);
    expect(metricValue(metrics, 'gateway_proxy_bytes_client_to_upstream_total', 'listener="tls"')).toBeGreaterThan(50_000);
    expect(await (await fetch(`${proxy.adminUrl}/readyz`)).json()).toEqual({ status: 'ready', checks: { tcp: true, websocket: true, tls: true, wss: true } });

    const inUse = proxy.logs.matching('TLS certificate in use');
    expect(inUse).toHaveLength(1);
    expect(inUse[0]).toMatchObject({ certFile: certificate?.certFile, subject: `CN=${hostname()}`, sha256: certificate?.fingerprint256, source: 'self-signed, generated now' });
    expect(inUse[0]?.msg).toContain(`SHA-256 ${certificate?.fingerprint256 ?? ''}`);
  });

  it('reuses the generated certificate on the next start', async () => {
    const dataDir = join(dir, 'data');
    const first = await startTestProxy({ tcpUpstreams: broker.tcpAddress, wsUpstreams: broker.wsAddress, env: { PROXY_DATA_DIR: dataDir } });
    const fingerprint = first.certificate()?.fingerprint256;
    await first.close();
    await using second = await startTestProxy({ tcpUpstreams: broker.tcpAddress, wsUpstreams: broker.wsAddress, env: { PROXY_DATA_DIR: dataDir } });
    expect(second.certificate()?.fingerprint256).toBe(fingerprint);
    expect(await presentedFingerprint(second.tlsPort ?? 0)).toBe(fingerprint);
    expect(second.logs.matching('TLS certificate in use')[0]?.source).toBe('self-signed, generated earlier');
  });

  it('opens no TLS listener when PROXY_TLS is off', async () => {
    await using proxy = await startTestProxy({ tcpUpstreams: broker.tcpAddress, wsUpstreams: broker.wsAddress, env: { PROXY_TLS: 'false' } });
    expect(proxy.tlsPort).toBeUndefined();
    expect(proxy.wssPort).toBeUndefined();
    expect(proxy.certificate()).toBeUndefined();
    expect(await (await fetch(`${proxy.adminUrl}/readyz`)).json()).toEqual({ status: 'ready', checks: { tcp: true, websocket: true } });
  });
});

describe('TLS listeners with configured certificate files', () => {
  it('switch to a replaced pair for new handshakes, keep open connections, and keep the current pair when the new one is bad', async () => {
    await using broker = await startTestUpstream();
    const dir = await mkdtemp(join(tmpdir(), 'proxy-tls-reload-'));
    try {
      const [first, second, third] = await Promise.all([serverPair(), serverPair(), serverPair()]);
      const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;
      const files = await writePair(dir, 'gateway', first);
      await using proxy = await startTestProxy({
        tcpUpstreams: broker.tcpAddress,
        wsUpstreams: broker.wsAddress,
        env: { PROXY_TLS_CERT_FILE: files.certFile, PROXY_TLS_KEY_FILE: files.keyFile },
      });
      expect(proxy.logs.matching('TLS certificate in use')[0]).toMatchObject({ certFile: files.certFile, source: 'PROXY_TLS_CERT_FILE/PROXY_TLS_KEY_FILE', sha256: fingerprint(first.cert) });
      const tlsPort = proxy.tlsPort ?? 0;
      const wssPort = proxy.wssPort ?? 0;
      expect(await presentedFingerprint(tlsPort)).toBe(fingerprint(first.cert));

      await using oldTls = await connectClient(proxy.mqttsUrl, { ca: first.cert });
      await using oldWss = await connectClient(proxy.wssUrl(), { ca: first.cert });
      let oldClosed = false;
      for (const client of [oldTls, oldWss]) client.on('close', () => (oldClosed = true));

      await writePair(dir, 'gateway', second);
      await waitFor(async () => (await presentedFingerprint(tlsPort)) === fingerprint(second.cert), { timeoutMs: 15_000, what: 'the TLS port to present the new certificate' });
      await waitFor(async () => (await presentedFingerprint(wssPort)) === fingerprint(second.cert), { timeoutMs: 15_000, what: 'the WSS port to present the new certificate' });
      expect(proxy.certificate()?.fingerprint256).toBe(fingerprint(second.cert));
      // A client that trusts only the new certificate gets in; the ones connected before still work.
      await using newTls = await connectClient(proxy.mqttsUrl, { ca: second.cert });
      expect(await roundTrip(newTls, 'proxy/reload/new', 'new')).toBe('new');
      expect(await roundTrip(oldTls, 'proxy/reload/tls', 'still here')).toBe('still here');
      expect(await roundTrip(oldWss, 'proxy/reload/wss', 'still here')).toBe('still here');

      // A certificate without its key: rejected with an error line, the second pair keeps serving.
      await writeFile(files.certFile, third.cert);
      await waitFor(() => proxy.logs.matching('new TLS certificate rejected').length > 0, { timeoutMs: 15_000, what: 'the bad pair to be rejected' });
      expect(proxy.logs.matching('new TLS certificate rejected')[0]).toMatchObject({ level: 50, err: expect.stringMatching(/^PROXY_TLS_KEY_FILE: .* is not the key of the certificate/) as unknown });
      expect(await presentedFingerprint(tlsPort)).toBe(fingerprint(second.cert));
      expect(await presentedFingerprint(wssPort)).toBe(fingerprint(second.cert));
      expect(await roundTrip(oldTls, 'proxy/reload/tls', 'and still')).toBe('and still');
      expect(oldClosed).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start on unusable files, naming the setting', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'proxy-tls-bad-'));
    try {
      const [first, second] = await Promise.all([serverPair(), serverPair()]);
      const files = await writePair(dir, 'gateway', first);
      const start = (env: Record<string, string>) => startTestProxy({ tcpUpstreams: '127.0.0.1:1', wsUpstreams: '127.0.0.1:1', env });
      await expect(start({ PROXY_TLS_CERT_FILE: join(dir, 'missing.crt'), PROXY_TLS_KEY_FILE: files.keyFile })).rejects.toThrow(/^PROXY_TLS_CERT_FILE: cannot read .*missing\.crt/);
      await writeFile(files.keyFile, second.key);
      await expect(start({ PROXY_TLS_CERT_FILE: files.certFile, PROXY_TLS_KEY_FILE: files.keyFile })).rejects.toThrow(/^PROXY_TLS_KEY_FILE: .*gateway\.key is not the key of the certificate/);
      await expect(start({ PROXY_TLS_CLIENT_CA_FILE: join(dir, 'missing-ca.pem') })).rejects.toThrow(/^PROXY_TLS_CLIENT_CA_FILE: cannot read .*missing-ca\.pem/);
      await expect(start({ PROXY_DATA_DIR: files.certFile })).rejects.toThrow(/^PROXY_DATA_DIR: cannot create a self-signed TLS certificate in .*gateway\.crt/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
