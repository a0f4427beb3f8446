// The proxy's own TLS certificate when none is configured: generated on first start into the data
// directory (CN = the host name; SANs localhost, 127.0.0.1, ::1 and the host name; key file mode 0600)
// and reused on later starts as long as it is readable, matches its key and is not about to expire.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export const selfSignedCertName = 'tls-self-signed.crt';
export const selfSignedKeyName = 'tls-self-signed.key';

/** About 27 months: long enough for an appliance, within what clients that check validity periods accept. */
const validityDays = 825;
/** A certificate closer than this to its expiry is replaced on start. */
const renewBeforeMs = 30 * 24 * 3_600_000;

export interface SelfSignedCertificate {
  certFile: string;
  keyFile: string;
  /** Made on this start (true) or reused from an earlier one (false). */
  generated: boolean;
  /** Why a new one was made ("none yet", "expires soon"...), when generated. */
  reason?: string;
}

export interface SelfSignedOptions {
  /** The certificate's CN and extra DNS SAN; defaults to os.hostname(). */
  hostName?: string;
  now?: Date;
}

/** Returns the self-signed pair in `dataDir`, generating it first when there is none usable. */
export async function ensureSelfSignedCertificate(dataDir: string, options: SelfSignedOptions = {}): Promise<SelfSignedCertificate> {
  const certFile = join(dataDir, selfSignedCertName);
  const keyFile = join(dataDir, selfSignedKeyName);
  const now = options.now ?? new Date();
  const unusable = await whyUnusable(certFile, keyFile, now);
  if (unusable === undefined) return { certFile, keyFile, generated: false };

  const pair = await generateSelfSigned(options.hostName ?? hostname(), now);
  await mkdir(dataDir, { recursive: true });
  // Key first, each written to a temporary name and renamed: a reader never sees half a file.
  await writeAtomically(keyFile, pair.key, 0o600);
  await writeAtomically(certFile, pair.cert, 0o644);
  return { certFile, keyFile, generated: true, reason: unusable };
}

/** A fresh self-signed certificate and key (PEM) for `hostName`, valid from `now`. */
export async function generateSelfSigned(hostName: string, now = new Date()): Promise<{ cert: string; key: string }> {
  const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '::1' },
  ];
  if (hostName !== 'localhost' && /^[A-Za-z0-9.-]+$/.test(hostName)) altNames.push({ type: 2, value: hostName });
  const notAfterDate = new Date(now.getTime() + validityDays * 24 * 3_600_000);
  const pems = await generate([{ name: 'commonName', value: hostName }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

async function whyUnusable(certFile: string, keyFile: string, now: Date): Promise<string | undefined> {
  let cert: Buffer;
  let key: Buffer;
  try {
    [cert, key] = await Promise.all([readFile(certFile), readFile(keyFile)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'none yet';
    return `cannot read the earlier one: ${(error as Error).message}`;
  }
  try {
    const x509 = new X509Certificate(cert);
    if (!x509.checkPrivateKey(createPrivateKey(key))) return 'the earlier key does not match its certificate';
    if (new Date(x509.validTo).getTime() - now.getTime() < renewBeforeMs) return `the earlier one expires ${x509.validTo}`;
    return undefined;
  } catch (error) {
    return `the earlier one is not valid PEM: ${(error as Error).message}`;
  }
}

async function writeAtomically(file: string, content: string, mode: number): Promise<void> {
  const temporary = `${file}.${String(process.pid)}.tmp`;
  try {
    await writeFile(temporary, content, { mode });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new Error(`cannot write ${file}: ${(error as Error).message}`, { cause: error });
  }
}
