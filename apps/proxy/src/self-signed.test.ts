import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureSelfSignedCertificate, generateSelfSigned } from './self-signed.js';

describe('ensureSelfSignedCertificate', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'proxy-self-signed-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('generates a pair for the host name into a new data folder, key readable by the owner only, and reuses it later', async () => {
    const dataDir = join(root, 'data', 'proxy');
    const first = await ensureSelfSignedCertificate(dataDir, { hostName: 'gw-test' });
    expect(first).toMatchObject({ generated: true, reason: 'none yet' });
    expect((await stat(first.keyFile)).mode & 0o777).toBe(0o600);

    const x509 = new X509Certificate(await readFile(first.certFile));
    expect(x509.subject).toBe('CN=gw-test');
    expect(x509.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:gw-test');
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkHost('gw-test')).toBe('gw-test');
    expect(x509.ca).toBe(false);
    expect(new Date(x509.validTo).getTime() - Date.now()).toBeGreaterThan(365 * 24 * 3_600_000);

    const second = await ensureSelfSignedCertificate(dataDir, { hostName: 'another-name' });
    expect(second).toEqual({ certFile: first.certFile, keyFile: first.keyFile, generated: false });
    expect(new X509Certificate(await readFile(second.certFile)).fingerprint256).toBe(x509.fingerprint256);
  });

  it('replaces a pair that is about to expire, whose key does not match, or that is not PEM', async () => {
    const first = await ensureSelfSignedCertificate(root, { hostName: 'gw-test' });
    const fingerprint = async () => new X509Certificate(await readFile(first.certFile)).fingerprint256;
    const original = await fingerprint();

    const inTwoYears = new Date(Date.now() + 800 * 24 * 3_600_000);
    const renewed = await ensureSelfSignedCertificate(root, { hostName: 'gw-test', now: inTwoYears });
    expect(renewed.generated).toBe(true);
    expect(renewed.reason).toMatch(/^the earlier one expires /);
    const afterRenewal = await fingerprint();
    expect(afterRenewal).not.toBe(original);

    await writeFile(first.keyFile, (await generateSelfSigned('other')).key);
    expect(await ensureSelfSignedCertificate(root, { hostName: 'gw-test' })).toMatchObject({ generated: true, reason: 'the earlier key does not match its certificate' });

    await writeFile(first.certFile, 'not a certificate');
    expect(await ensureSelfSignedCertificate(root, { hostName: 'gw-test' })).toMatchObject({ generated: true, reason: expect.stringMatching(/^the earlier one is not valid PEM/) as unknown });
    expect(await ensureSelfSignedCertificate(root, { hostName: 'gw-test' })).toMatchObject({ generated: false });
  });

  it('names the data folder it cannot write to', async () => {
    const blocker = join(root, 'file');
    await writeFile(blocker, 'a file, not a folder');
    await expect(ensureSelfSignedCertificate(join(blocker, 'proxy'))).rejects.toThrow(/file\/proxy|ENOTDIR|EEXIST/);
  });
});
