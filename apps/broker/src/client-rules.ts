// The aedes hooks that decide what a client may do: reject an empty client id without a clean session
// (MQTT-3.1.3-8), authenticate (password file, proxy-verified certificate, anonymous), and apply the ACL
// and the topic deny/allow lists to publish, subscribe and delivery; also count every PUBLISH forwarded.
import type { AuthenticateError, Client, ConnectPacket, PublishPacket, Subscription } from 'aedes';
import type { AccessClient, AccessPolicy } from '@gateway/access-control';
import type { Logger } from '@gateway/service-kit';
import type { ClientAuthentication } from './client-authentication.js';
import type { Connections } from './connections.js';
import type { GatewayAedes } from './gateway-aedes.js';
import type { BrokerMetrics } from './metrics.js';
import type { TopicPolicy } from './topic-policy.js';

const IDENTIFIER_REJECTED = 2;

export interface ClientRulesOptions {
  policy: TopicPolicy;
  authentication: ClientAuthentication;
  /** The ACL in force now (it changes when the ACL file is edited). */
  acl: () => AccessPolicy;
  connections: Connections;
  metrics: BrokerMetrics;
  logger: Logger;
}

function refusal(message: string, returnCode: number): AuthenticateError {
  const error = new Error(message) as AuthenticateError;
  Object.assign(error, { returnCode });
  return error;
}

export function installClientRules(aedes: GatewayAedes, { policy, authentication, acl, connections, metrics, logger }: ClientRulesOptions): void {
  const emptyIdWithoutCleanSession = new WeakSet<Client>();
  const identities = new WeakMap<Client, AccessClient>();
  const identityOf = (client: Client): AccessClient => identities.get(client) ?? { clientId: client.id };

  // aedes replaces an empty client id with a generated one before authenticate runs, so note it here.
  aedes.preConnect = (client: Client, packet: ConnectPacket, callback) => {
    if (packet.clientId === '' && packet.clean === false) emptyIdWithoutCleanSession.add(client);
    callback(null, true);
  };

  aedes.authenticate = (client, username, password, done) => {
    if (emptyIdWithoutCleanSession.has(client)) {
      logger.warn({ ...connections.describe(client), returnCode: IDENTIFIER_REJECTED }, 'connect refused: empty client id requires a clean session');
      done(refusal('identifier rejected: an empty client id requires a clean session', IDENTIFIER_REJECTED), false);
      return;
    }
    const connection = connections.describe(client);
    authentication.check(connection, username ?? undefined, password ?? undefined).then(
      (verdict) => {
        if (!verdict.ok) {
          metrics.authenticationFailed(verdict.reason);
          logger.warn({ ...connection, clientId: client.id, username, returnCode: verdict.returnCode, reason: verdict.reason }, 'connect refused by authentication');
          done(refusal(`connection refused: ${verdict.reason}`, verdict.returnCode), false);
          return;
        }
        identities.set(client, verdict.username === undefined ? { clientId: client.id } : { clientId: client.id, username: verdict.username });
        logger.debug({ ...connection, clientId: client.id, username: verdict.username, method: verdict.method }, 'client authenticated');
        done(null, true);
      },
      (error: unknown) => {
        logger.error({ ...connection, err: (error as Error).message }, 'authentication failed with an error: refusing the client');
        done(refusal('server unavailable', 3), false);
      },
    );
  };

  aedes.authorizePublish = (client: Client | null, packet: PublishPacket, callback) => {
    if (packet.topic.startsWith('$SYS/')) {
      callback(new Error('$SYS/ topics are reserved for the broker'));
      return;
    }
    const byAcl = client === null || acl().canPublish(identityOf(client), packet.topic);
    if (!byAcl || !policy.canPublish(packet.topic)) {
      metrics.accessDenied('publish');
      logger.warn(
        { ...(client ? connections.logFields(client) : {}), username: client ? identityOf(client).username : undefined, topic: packet.topic, qos: packet.qos },
        `publish refused by ${byAcl ? 'topic policy' : 'ACL'}: acknowledged and dropped`,
      );
      aedes.dropPublish(packet);
    }
    callback(null);
  };

  aedes.authorizeSubscribe = (client: Client, subscription: Subscription, callback) => {
    const byAcl = acl().canSubscribe(identityOf(client), subscription.topic);
    if (byAcl && policy.canSubscribe(subscription.topic)) {
      callback(null, subscription);
      return;
    }
    metrics.accessDenied('subscribe');
    logger.warn(
      { ...connections.logFields(client), username: identityOf(client).username, topic: subscription.topic },
      `subscription refused by ${byAcl ? 'topic policy' : 'ACL'}`,
    );
    callback(null, null); // SUBACK return code 0x80 for this filter
  };

  aedes.authorizeForward = (client: Client, packet) => {
    if (!acl().canReceive(identityOf(client), packet.topic)) {
      metrics.accessDenied('deliver');
      return null;
    }
    const listener = connections.describe(client)?.listener;
    if (listener) metrics.messageSent(listener);
    return packet;
  };
}
