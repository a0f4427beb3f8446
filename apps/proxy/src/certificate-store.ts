// The certificate, key and optional client CA the TLS listeners serve with: read and checked (the
// certificate parses, the key matches it), described for the logs, and reloaded when the files change
// (fs.watch on their folders plus a periodic stat, debounced). A bad new set is logged and the old one kept.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { createSecureContext } from 'node:tls';
import type { Logger } from '@gateway/service-kit';

export interface CertificateFiles {
  certFile: string;
  keyFile: string;
  clientCaFile?: string | undefined;
}

/** What each file is called in error messages (the setting that names it). */
export interface CertificateFileNames {
  cert: string;
  key: string;
  clientCa: string;
}

const defaultNames: CertificateFileNames = { cert: 'certificate', key: 'key', clientCa: 'client CA' };

export interface CertificateInfo {
  certFile: string;
  subject: string;
  issuer: string;
  subjectAltName: string | undefined;
  validFrom: string;
  validTo: string;
  /** SHA-256 fingerprint, colon-separated hex (as `openssl x509 -fingerprint -sha256` prints it). */
  fingerprint256: string;
}

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** The client CA bundle, when client certificates are requested. */
  ca: Buffer | undefined;
  info: CertificateInfo;
}

/** Reads the files and checks they make a usable pair; errors name the file and the setting. */
export async function loadTlsMaterial(files: CertificateFiles, names: CertificateFileNames = defaultNames): Promise<TlsMaterial> {
  const read = async (file: string, name: string) => {
    try {
      return await readFile(file);
    } catch (error) {
      throw new Error(`${name}: cannot read ${file}: ${(error as Error).message}`, { cause: error });
    }
  };
  const [cert, key, ca] = await Promise.all([
    read(files.certFile, names.cert),
    read(files.keyFile, names.key),
    files.clientCaFile === undefined ? undefined : read(files.clientCaFile, names.clientCa),
  ]);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (error) {
    throw new Error(`${names.cert}: ${files.certFile} is not a PEM certificate: ${(error as Error).message}`, { cause: error });
  }
  let matches: boolean;
  try {
    matches = x509.checkPrivateKey(createPrivateKey(key));
  } catch (error) {
    throw new Error(`${names.key}: ${files.keyFile} is not a PEM private key (or is encrypted): ${(error as Error).message}`, { cause: error });
  }
  if (!matches) throw new Error(`${names.key}: ${files.keyFile} is not the key of the certificate in ${files.certFile}`);
  if (ca !== undefined && files.clientCaFile !== undefined) {
    try {
      new X509Certificate(ca);
    } catch (error) {
      throw new Error(`${names.clientCa}: ${files.clientCaFile} is not a PEM certificate: ${(error as Error).message}`, { cause: error });
    }
  }
  try {
    // What setSecureContext() will do: catches anything the checks above let through (a bad chain, say).
    createSecureContext({ cert, key, ...(ca === undefined ? {} : { ca }) });
  } catch (error) {
    throw new Error(`${names.cert}: ${files.certFile} and ${files.keyFile} are not usable for TLS: ${(error as Error).message}`, { cause: error });
  }
  return {
    cert,
    key,
    ca,
    info: {
      certFile: files.certFile,
      subject: x509.subject.replaceAll('\n', ', '),
      issuer: x509.issuer.replaceAll('\n', ', '),
      subjectAltName: x509.subjectAltName,
      validFrom: new Date(x509.validFrom).toISOString(),
      validTo: new Date(x509.validTo).toISOString(),
      fingerprint256: x509.fingerprint256,
    },
  };
}

export interface CertificateStoreOptions {
  files: CertificateFiles;
  names?: CertificateFileNames;
  /** How often the files are stat'ed, in case file-system events are missed (network or overlay file systems). */
  pollIntervalMs: number;
  /** Quiet time after the last file event before reloading, so a certificate and key written one after the other load together. */
  debounceMs?: number;
  logger: Logger;
  /** Called with each new, checked set of files. */
  onReload: (material: TlsMaterial) => void;
}

/** The current TLS material, kept up to date with the files until close(). */
export class CertificateStore {
  private current: TlsMaterial;
  private loadedSignature: string;
  private failedSignature: string | undefined;
  private readonly watchers: FSWatcher[] = [];
  private readonly poller: NodeJS.Timeout;
  private debounce: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private checkAgain = false;
  private closed = false;

  /** Loads the files (throwing if they are not usable) and starts watching them. */
  static async open(options: CertificateStoreOptions): Promise<CertificateStore> {
    // Taken before reading, so a change made meanwhile is seen by the first check; a missing file is
    // reported by loadTlsMaterial, with the setting's name.
    const signature = await fileSignature(options.files).catch(() => 'unknown');
    const material = await loadTlsMaterial(options.files, options.names);
    return new CertificateStore(options, material, signature);
  }

  private constructor(
    private readonly options: CertificateStoreOptions,
    material: TlsMaterial,
    signature: string,
  ) {
    this.current = material;
    this.loadedSignature = signature;
    const files = [options.files.certFile, options.files.keyFile, options.files.clientCaFile].filter((file) => file !== undefined);
    for (const dir of new Set(files.map((file) => dirname(file)))) this.watchDirectory(dir, new Set(files.map((file) => basename(file))));
    this.poller = setInterval(() => void this.check(), options.pollIntervalMs);
    this.poller.unref();
  }

  get material(): TlsMaterial {
    return this.current;
  }

  /** Re-reads the files if they changed since the last load (what the watchers call); resolves when done. */
  check(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.checking) {
      this.checkAgain = true;
      return this.checking;
    }
    this.checking = (async () => {
      do {
        this.checkAgain = false;
        await this.reloadIfChanged();
      } while (this.anotherCheckWanted());
    })().finally(() => (this.checking = undefined));
    return this.checking;
  }

  /** A check was asked for while the last one ran (a file changed again meanwhile). */
  private anotherCheckWanted(): boolean {
    return this.checkAgain && !this.closed;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.poller);
    clearTimeout(this.debounce);
    for (const watcher of this.watchers) watcher.close();
  }

  private watchDirectory(dir: string, names: ReadonlySet<string>): void {
    try {
      const watcher = watch(dir, { persistent: false }, (_event, filename) => {
        // Kubernetes swaps a "..data" symlink; some platforms give no file name at all.
        if (filename === null || names.has(filename) || filename.startsWith('..')) this.scheduleCheck();
      });
      watcher.on('error', (error) => this.options.logger.warn({ dir, err: error.message }, 'cannot watch TLS certificate folder: relying on the periodic check'));
      this.watchers.push(watcher);
    } catch (error) {
      this.options.logger.warn({ dir, err: (error as Error).message }, 'cannot watch TLS certificate folder: relying on the periodic check');
    }
  }

  private scheduleCheck(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.check(), this.options.debounceMs ?? 250);
    this.debounce.unref();
  }

  private async reloadIfChanged(): Promise<void> {
    const { files, logger } = this.options;
    let signature: string;
    try {
      signature = await fileSignature(files);
    } catch (error) {
      // A file being replaced can be missing for a moment: the next event or poll looks again.
      const text = `unreadable: ${(error as Error).message}`;
      if (this.failedSignature !== text) logger.warn({ err: (error as Error).message }, 'TLS certificate files unreadable: keeping the current certificate');
      this.failedSignature = text;
      return;
    }
    if (signature === this.loadedSignature || signature === this.failedSignature) return;
    let material: TlsMaterial;
    try {
      material = await loadTlsMaterial(files, this.options.names);
    } catch (error) {
      this.failedSignature = signature;
      logger.error({ err: (error as Error).message, certFile: files.certFile, keyFile: files.keyFile }, 'new TLS certificate rejected: keeping the current one');
      return;
    }
    if (this.closed) return;
    this.current = material;
    this.loadedSignature = signature;
    this.failedSignature = undefined;
    try {
      this.options.onReload(material);
    } catch (error) {
      logger.error({ err: (error as Error).message }, 'could not apply the new TLS certificate');
      return;
    }
    logger.info(describeCertificate(material.info), 'TLS certificate reloaded');
  }
}

/** Log fields for a certificate: file, subject, expiry and SHA-256 fingerprint. */
export function describeCertificate(info: CertificateInfo): Record<string, unknown> {
  return { certFile: info.certFile, subject: info.subject, expires: info.validTo, sha256: info.fingerprint256 };
}

/** Identity and modification time of each file (following symlinks): equal signatures mean nothing to reload. */
async function fileSignature(files: CertificateFiles): Promise<string> {
  const paths = [files.certFile, files.keyFile, files.clientCaFile].filter((file) => file !== undefined);
  const stats = await Promise.all(paths.map((path) => stat(path)));
  return stats.map((entry) => `${String(entry.dev)}:${String(entry.ino)}:${String(entry.size)}:${String(entry.mtimeMs)}:${String(entry.ctimeMs)}`).join('|');
}
