// Test fixtures: certificates made on the fly with selfsigned (a server pair for a host name, a client CA
// that issues client certificates) and written to PEM files, as PROXY_TLS_*_FILE expect them.
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { generateSelfSigned } from '../self-signed.js';

export interface PemPair {
  cert: string;
  key: string;
}

/** A server certificate for localhost / 127.0.0.1 / ::1 (what the proxy itself generates). */
export function serverPair(hostName = 'localhost'): Promise<PemPair> {
  return generateSelfSigned(hostName);
}

export interface TestCa extends PemPair {
  /** A client certificate (clientAuth) with subject CN `commonName`, signed by this CA. */
  issue(commonName: string): Promise<PemPair>;
}

export async function createTestCa(name = 'gateway test client CA'): Promise<TestCa> {
  const ca = await generate([{ name: 'commonName', value: name }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return {
    cert: ca.cert,
    key: ca.private,
    issue: async (commonName) => {
      const client = await generate([{ name: 'commonName', value: commonName }], {
        keyType: 'ec',
        algorithm: 'sha256',
        ca: { cert: ca.cert, key: ca.private },
        extensions: [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, critical: true },
          { name: 'extKeyUsage', clientAuth: true },
        ],
      });
      return { cert: client.cert, key: client.private };
    },
  };
}

/** Writes `pair` as <name>.crt and <name>.key in `dir`, each replaced in one rename (as cert tools do). */
export async function writePair(dir: string, name: string, pair: PemPair): Promise<{ certFile: string; keyFile: string }> {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  await writeFile(`${keyFile}.new`, pair.key, { mode: 0o600 });
  await writeFile(`${certFile}.new`, pair.cert);
  await rename(`${keyFile}.new`, keyFile);
  await rename(`${certFile}.new`, certFile);
  return { certFile, keyFile };
}
