// Acknowledges a client's QoS 1 PUBLISH only once the message is stored for the persistent sessions that
// subscribe to it. aedes 1.2 writes the PUBACK first and publishes afterwards (lib/handlers/publish.js), so
// a broker killed in between has acknowledged a message no session will ever get. The last hook aedes runs
// before that PUBACK is authorizePublish: this wraps it to publish the message there (offline queues written,
// delivery started) and has aedes' own publish of the same packet skipped.
//
// QoS 2 is left alone: aedes stores it before its PUBREC, and a retransmission must not be published again.
import type { GatewayAedes } from './gateway-aedes.js';

export function installAcknowledgeAfterStore(aedes: GatewayAedes): void {
  const authorizePublish = aedes.authorizePublish;
  aedes.authorizePublish = (client, packet, callback) => {
    authorizePublish.call(aedes, client, packet, (error) => {
      // No client: a will published by the broker itself, with nothing to acknowledge.
      if (error || !client || packet.qos !== 1 || aedes.isDropped(packet)) {
        callback(error);
        return;
      }
      aedes.publishAhead(packet, client, (publishError) => callback(publishError ?? null));
    });
  };
}
