import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureLogs, waitFor } from '@gateway/service-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateStore, loadTlsMaterial, type TlsMaterial } from './certificate-store.js';
import { createTestCa, serverPair, writePair, type PemPair } from './testing/certificates.js';

const names = { cert: 'PROXY_TLS_CERT_FILE', key: 'PROXY_TLS_KEY_FILE', clientCa: 'PROXY_TLS_CLIENT_CA_FILE' };
const fingerprintOf = (pair: PemPair) => new X509Certificate(pair.cert).fingerprint256;

describe('loadTlsMaterial', () => {
  let dir: string;
  let first: PemPair;
  let second: PemPair;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'proxy-certs-'));
    [first, second] = await Promise.all([serverPair('gw-one'), serverPair('gw-two')]);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads a pair and the client CA and describes the certificate', async () => {
    const files = await writePair(dir, 'good', first);
    const ca = await createTestCa();
    const clientCaFile = join(dir, 'clients-ca.pem');
    await writeFile(clientCaFile, ca.cert);
    const material = await loadTlsMaterial({ ...files, clientCaFile }, names);
    expect(material.ca?.toString()).toBe(ca.cert);
    expect(material.info).toMatchObject({ certFile: files.certFile, subject: 'CN=gw-one', issuer: 'CN=gw-one', fingerprint256: fingerprintOf(first) });
    expect(Date.parse(material.info.validTo)).toBeGreaterThan(Date.now());
  });

  it('names the setting and the file when a pair is unusable', async () => {
    const files = await writePair(dir, 'mixed', first);
    await expect(loadTlsMaterial({ ...files, certFile: join(dir, 'missing.crt') }, names)).rejects.toThrow(/^PROXY_TLS_CERT_FILE: cannot read .*missing\.crt: ENOENT/);
    await writeFile(files.keyFile, second.key);
    await expect(loadTlsMaterial(files, names)).rejects.toThrow(/^PROXY_TLS_KEY_FILE: .*mixed\.key is not the key of the certificate in .*mixed\.crt$/);
    await writeFile(files.keyFile, 'garbage');
    await expect(loadTlsMaterial(files, names)).rejects.toThrow(/^PROXY_TLS_KEY_FILE: .*mixed\.key is not a PEM private key/);
    await writeFile(files.certFile, 'garbage');
    await expect(loadTlsMaterial(files, names)).rejects.toThrow(/^PROXY_TLS_CERT_FILE: .*mixed\.crt is not a PEM certificate/);
    const good = await writePair(dir, 'good-again', first);
    await expect(loadTlsMaterial({ ...good, clientCaFile: files.keyFile }, names)).rejects.toThrow(/^PROXY_TLS_CLIENT_CA_FILE: .*mixed\.key is not a PEM certificate/);
  });
});

describe('CertificateStore', () => {
  it('reloads a replaced pair, keeps the current one when the new pair is bad, and takes a good one after that', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'proxy-certs-'));
    const [first, second, third] = await Promise.all([serverPair('gw-one'), serverPair('gw-two'), serverPair('gw-three')]);
    const files = await writePair(dir, 'server', first);
    const logs = captureLogs('proxy');
    const { logger } = logs;
    const applied: TlsMaterial[] = [];
    // A long poll interval: the file-system watch alone must notice the change.
    const store = await CertificateStore.open({ files, names, pollIntervalMs: 60_000, debounceMs: 300, logger, onReload: (material) => applied.push(material) });
    try {
      expect(store.material.info.fingerprint256).toBe(fingerprintOf(first));

      await writePair(dir, 'server', second);
      await waitFor(() => applied.length === 1, { what: 'the replaced pair to be applied' });
      expect(applied[0]?.info.fingerprint256).toBe(fingerprintOf(second));
      expect(store.material.info.fingerprint256).toBe(fingerprintOf(second));
      expect(logs.matching('TLS certificate reloaded')[0]).toMatchObject({ subject: 'CN=gw-two', sha256: fingerprintOf(second) });

      // A certificate whose key does not come with it: logged as an error, not applied.
      expect(logs.matching('new TLS certificate rejected')).toHaveLength(0);
      await writeFile(files.certFile, third.cert);
      await waitFor(() => logs.matching('new TLS certificate rejected').length === 1, { what: 'the bad pair to be rejected' });
      expect(logs.matching('new TLS certificate rejected')[0]).toMatchObject({ level: 50, err: expect.stringMatching(/is not the key of the certificate/) as unknown });
      expect(store.material.info.fingerprint256).toBe(fingerprintOf(second));
      // Checking again without a change neither applies nor logs the same rejection twice.
      await store.check();
      expect(logs.matching('new TLS certificate rejected')).toHaveLength(1);
      expect(applied).toHaveLength(1);

      // Its key arrives: now the pair is good.
      await writeFile(files.keyFile, third.key);
      await waitFor(() => applied.length === 2, { what: 'the completed pair to be applied' });
      expect(applied[1]?.info.fingerprint256).toBe(fingerprintOf(third));
      expect(applied).toHaveLength(2);
    } finally {
      store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('notices changes with the periodic check alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'proxy-certs-'));
    const [first, second] = await Promise.all([serverPair('gw-one'), serverPair('gw-two')]);
    const files = await writePair(dir, 'server', first);
    const { logger } = captureLogs('proxy');
    let applied: TlsMaterial | undefined;
    const store = await CertificateStore.open({ files, names, pollIntervalMs: 100, debounceMs: 60_000, logger, onReload: (material) => (applied = material) });
    try {
      await writePair(dir, 'server', second);
      // The watch events are debounced for a minute here: only the 100 ms poll can see the change in time.
      await waitFor(() => applied?.info.fingerprint256 === fingerprintOf(second), { what: 'the periodic check to reload' });
    } finally {
      store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
