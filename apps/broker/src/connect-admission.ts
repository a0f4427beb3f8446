// Decides at CONNECT whether a connection may go on: one accepted over the connection limits (total or per
// source address), or a CONNECT over its address's rate, is answered CONNACK 3 "server unavailable"
// (MQTT 3.1.1 §3.2.2.3) and closed. It wraps whatever `authenticate` is installed, running first, so a
// refused client never reaches authentication.
import type { AuthenticateError, Client } from 'aedes';
import type { ConnectRateLimiter } from './connect-rate-limiter.js';
import type { Connections } from './connections.js';
import type { GatewayAedes } from './gateway-aedes.js';
import type { LimitEvent, LimitReporter } from './limit-reporter.js';

const SERVER_UNAVAILABLE = 3;

export interface ConnectAdmission {
  /** True for a client this module answered CONNACK 3 (its later 'clientError' is expected). */
  wasRefused(client: Client): boolean;
}

export function installConnectAdmission(
  aedes: GatewayAedes,
  { connections, rateLimiter, limits }: { connections: Connections; rateLimiter: ConnectRateLimiter; limits: LimitReporter },
): ConnectAdmission {
  const refused = new WeakSet<Client>();
  const authenticate = aedes.authenticate;

  const refusalOf = (client: Client): Omit<LimitEvent, 'listener' | 'remoteAddress'> | undefined => {
    const info = connections.describe(client);
    const slot = connections.refusalOf(client);
    if (slot) return { limit: slot.limit, details: { open: slot.open, max: slot.max } };
    if (info && !rateLimiter.tryConnect(info.sourceAddress)) return { limit: 'connect_rate' };
    return undefined;
  };

  aedes.authenticate = (client, username, password, done) => {
    const refusal = refusalOf(client);
    const info = connections.describe(client);
    if (!refusal || !info) {
      authenticate.call(aedes, client, username, password, done);
      return;
    }
    refused.add(client);
    limits.report({ ...refusal, ...connections.logFields(client), listener: info.listener, remoteAddress: info.remoteAddress }, 'CONNACK 3 (server unavailable), closing the connection');
    const error = new Error(`server unavailable: ${refusal.limit}`) as AuthenticateError;
    Object.assign(error, { returnCode: SERVER_UNAVAILABLE });
    done(error, false);
  };

  return { wasRefused: (client) => refused.has(client) };
}
