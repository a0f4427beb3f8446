// A configuration file (password file, ACL file) loaded at start and loaded again whenever it changes on
// disk, without a restart. A start-up error stops the broker; a bad edit later is logged and the last good
// version stays in force, so a typo never locks everyone out or lets everyone in.
import { unwatchFile, watchFile, type Stats } from 'node:fs';
import type { Logger } from '@gateway/service-kit';

export interface WatchedFile<T> {
  /** The last version that loaded without an error. */
  current(): T;
  close(): void;
}

export interface WatchOptions {
  /** What the file is, for log lines: "password file". */
  what: string;
  logger: Logger;
  /** How often the file's status is polled; polling also sees files replaced by a rename, as editors and gateway-passwd do. */
  intervalMs?: number;
}

const changed = (now: Stats, before: Stats): boolean =>
  now.mtimeMs !== before.mtimeMs || now.size !== before.size || now.ino !== before.ino || now.ctimeMs !== before.ctimeMs;

export async function watchConfigFile<T>(path: string, load: (path: string) => Promise<T>, options: WatchOptions): Promise<WatchedFile<T>> {
  let value: T;
  try {
    value = await load(path);
  } catch (error) {
    const message = (error as Error).message;
    // File errors (AccessFileError, fs errors) usually name the path already.
    throw new Error(`cannot load the ${options.what}${message.includes(path) ? '' : ` ${path}`}: ${message}`, { cause: error });
  }
  let loading = Promise.resolve();
  const listener = (now: Stats, before: Stats) => {
    if (!changed(now, before)) return;
    loading = loading.then(async () => {
      try {
        value = await load(path);
        options.logger.info({ file: path }, `${options.what} reloaded`);
      } catch (error) {
        options.logger.error({ file: path, err: (error as Error).message }, `${options.what} changed but cannot be loaded: keeping the previous version`);
      }
    });
  };
  watchFile(path, { interval: options.intervalMs ?? 1000, persistent: false }, listener);
  return {
    current: () => value,
    close: () => unwatchFile(path, listener),
  };
}
