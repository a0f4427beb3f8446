// Promise wrappers for binding and closing node servers, reporting the port actually bound.
import type { AddressInfo, Server as NetServer } from 'node:net';

export interface Closable {
  close(callback?: (error?: Error) => void): unknown;
  listening?: boolean;
}

/** Listens on host:port (port 0 picks a free one) and resolves with the bound port. */
export function listen(server: NetServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen({ port, host }, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Closes a server; resolves once it has stopped (a server that was not listening counts as closed). */
export function close(server: Closable): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => {
      if (error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING') reject(error);
      else resolve();
    });
  });
}
