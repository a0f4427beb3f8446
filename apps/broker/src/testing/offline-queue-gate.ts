// Test fixture: holds the broker's next write to the offline queues (aedes' persistence
// outgoingEnqueueCombi, in the real store) until the test releases it, so a test can order what the store
// finishes. Disposing it releases the write and puts the store's method back.
import type { GatewayAedes } from '../gateway-aedes.js';

type EnqueueCombi = (subscriptions: unknown, packet: unknown) => Promise<unknown>;

export interface OfflineQueueGate {
  /** Resolves when the held write has been asked for (the message's broker counter is then assigned). */
  reached: Promise<void>;
  release(): void;
  [Symbol.dispose](): void;
}

export function holdNextOfflineQueueWrite(aedes: GatewayAedes): OfflineQueueGate {
  const persistence = (aedes as unknown as { persistence: { outgoingEnqueueCombi: EnqueueCombi } }).persistence;
  const original = persistence.outgoingEnqueueCombi;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let reached!: () => void;
  const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
  let held = false;
  persistence.outgoingEnqueueCombi = function (this: unknown, subscriptions, packet) {
    if (held) return original.call(this, subscriptions, packet);
    held = true;
    reached();
    return released.then(() => original.call(this, subscriptions, packet));
  };
  return {
    reached: reachedPromise,
    release,
    [Symbol.dispose]: () => {
      release();
      persistence.outgoingEnqueueCombi = original;
    },
  };
}
