// The aedes hooks that decide what a client may do: reject an empty client id without a clean session
// (MQTT-3.1.3-8), enforce the topic deny/allow lists, and count every PUBLISH forwarded to a client.
import type { AuthenticateError, Client, ConnectPacket, PublishPacket, Subscription } from 'aedes';
import type { Logger } from '@gateway/service-kit';
import type { Connections } from './connections.js';
import type { GatewayAedes } from './gateway-aedes.js';
import type { BrokerMetrics } from './metrics.js';
import type { TopicPolicy } from './topic-policy.js';

const IDENTIFIER_REJECTED = 2;

export interface ClientRulesOptions {
  policy: TopicPolicy;
  connections: Connections;
  metrics: BrokerMetrics;
  logger: Logger;
}

export function installClientRules(aedes: GatewayAedes, { policy, connections, metrics, logger }: ClientRulesOptions): void {
  const emptyIdWithoutCleanSession = new WeakSet<Client>();

  // aedes replaces an empty client id with a generated one before authenticate runs, so note it here.
  aedes.preConnect = (client: Client, packet: ConnectPacket, callback) => {
    if (packet.clientId === '' && packet.clean === false) emptyIdWithoutCleanSession.add(client);
    callback(null, true);
  };

  aedes.authenticate = (client, _username, _password, done) => {
    if (!emptyIdWithoutCleanSession.has(client)) {
      done(null, true);
      return;
    }
    logger.warn({ ...connections.describe(client), returnCode: IDENTIFIER_REJECTED }, 'connect refused: empty client id requires a clean session');
    const error = new Error('identifier rejected: an empty client id requires a clean session') as AuthenticateError;
    Object.assign(error, { returnCode: IDENTIFIER_REJECTED });
    done(error, false);
  };

  aedes.authorizePublish = (client: Client | null, packet: PublishPacket, callback) => {
    if (packet.topic.startsWith('$SYS/')) {
      callback(new Error('$SYS/ topics are reserved for the broker'));
      return;
    }
    if (!policy.canPublish(packet.topic)) {
      logger.warn({ ...(client ? connections.logFields(client) : {}), topic: packet.topic, qos: packet.qos }, 'publish refused by topic policy: dropped');
      aedes.dropPublish(packet);
    }
    callback(null);
  };

  aedes.authorizeSubscribe = (client: Client, subscription: Subscription, callback) => {
    if (policy.canSubscribe(subscription.topic)) {
      callback(null, subscription);
      return;
    }
    logger.warn({ ...connections.logFields(client), topic: subscription.topic }, 'subscription refused by topic policy');
    callback(null, null); // SUBACK return code 0x80 for this filter
  };

  aedes.authorizeForward = (client: Client, packet) => {
    const listener = connections.describe(client)?.listener;
    if (listener) metrics.messageSent(listener);
    return packet;
  };
}
