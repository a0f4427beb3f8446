// Makes sure a persistent session is not skipped over: aedes 1.2 drops a live delivery whose broker counter
// is lower than the last one that client got, yet messages reach its emitter out of counter order (each
// QoS 1/2 message first waits for its own write to the offline queues in the store, and those finish in any
// order). The dropped message was acknowledged to its publisher but is only sent at the next reconnect.
//
// The check exists so that a client with overlapping subscriptions gets one copy of a message, and those
// copies are handed over synchronously within one emit. This replaces it with an exact one: a client gets
// each message (broker id + counter) at most once live, whatever the order.
import type { Client, PublishPacket } from 'aedes';
import type { GatewayAedes } from './gateway-aedes.js';

/** The last live message handed to a client: its broker id and counter. */
interface LastDelivery {
  brokerId: string;
  brokerCounter: number;
}

type Handle = (stream: unknown, request: unknown) => Client;
type Counted = PublishPacket & { brokerId?: string | null; brokerCounter?: number };

/** aedes compares `(duplicates[brokerId] || 0) < brokerCounter` and then stores the counter: this passes all. */
const alwaysNew: ProxyHandler<Record<string, number>> = {
  get: () => undefined,
  set: () => true,
  deleteProperty: () => true,
};

/** Shared by every client: the handler ignores its target, so one object stands in for all their `duplicates`. */
const noDuplicates = new Proxy({}, alwaysNew);

export function installDeliveryDedupe(aedes: GatewayAedes): void {
  const lastDelivery = new WeakMap<Client, LastDelivery>();

  // Every Client gets here (the listeners call aedes.handle), before any subscription can deliver to it.
  const handle = aedes.handle as Handle;
  (aedes as { handle: Handle }).handle = (stream, request) => {
    const client = handle.call(aedes, stream, request);
    (client as unknown as { duplicates: object }).duplicates = noDuplicates;
    return client;
  };

  const authorizeForward = aedes.authorizeForward;
  aedes.authorizeForward = (client, packet) => {
    const { brokerId, brokerCounter, messageId } = packet as Counted;
    // A packet id means a re-delivery from the session's store (aedes' check skipped those too); no broker
    // id means a retained message sent for a new subscription.
    if (messageId === undefined && brokerId && brokerCounter !== undefined) {
      // The copies of one message for one client's overlapping subscriptions are handed over one right after
      // the other within one synchronous emit, with no other message for that client in between, so the
      // last message a client got is the only one a copy can repeat. No key strings, no per-message garbage.
      const last = lastDelivery.get(client);
      if (last === undefined) lastDelivery.set(client, { brokerId, brokerCounter });
      else if (last.brokerCounter === brokerCounter && last.brokerId === brokerId) return null;
      else {
        last.brokerId = brokerId;
        last.brokerCounter = brokerCounter;
      }
    }
    return authorizeForward.call(aedes, client, packet);
  };
}
