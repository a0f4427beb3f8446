// aedes with the additions the gateway needs: a publish the policy refused is acknowledged but dropped
// (MQTT-3.3.5-2 allows that instead of closing the connection), a publish done ahead of aedes' own (so that
// a PUBACK can follow the store, see acknowledge-after-store.ts), and a way to wait for publishes in flight.
import { Aedes, type Client, type PublishPacket } from 'aedes';

type PublishDone = (error?: Error) => void;
type BasePublish = (this: Aedes, packet: PublishPacket, client: Client | null, done: PublishDone) => void;

// aedes' publish takes (packet, client, done) at run time; its type declarations only list (packet, done).
// eslint-disable-next-line @typescript-eslint/unbound-method -- always invoked with .call(this)
const basePublish = Aedes.prototype.publish as unknown as BasePublish;

export class GatewayAedes extends Aedes {
  /** Packets aedes' own publish skips: refused by the policy, or already published ahead. */
  readonly #dropped = new WeakSet<PublishPacket>();
  #inFlight = 0;
  #onSettled: (() => void)[] = [];

  /** Forgets a registered client and emits 'clientDisconnect' (aedes' unregisterClient, missing from its type declarations). */
  unregister(client: Client): void {
    (this as unknown as { unregisterClient(client: Client): void }).unregisterClient(client);
  }

  /** Marks a packet (from authorizePublish) to be acknowledged as usual but neither stored nor delivered. */
  dropPublish(packet: PublishPacket): void {
    this.#dropped.add(packet);
  }

  /** True if the packet was marked with dropPublish (or already published ahead). */
  isDropped(packet: PublishPacket): boolean {
    return this.#dropped.has(packet);
  }

  /** Publishes a client's packet now (stored in the offline queues, delivered); aedes' own later publish of it is skipped. */
  publishAhead(packet: PublishPacket, client: Client, done: PublishDone): void {
    this.publish(packet, client, (error) => {
      if (!error) this.#dropped.add(packet);
      done(error);
    });
  }

  override publish(packet: PublishPacket, clientOrDone?: Client | null | PublishDone, maybeDone?: PublishDone): void {
    const client = typeof clientOrDone === 'function' ? null : (clientOrDone ?? null);
    const done = typeof clientOrDone === 'function' ? clientOrDone : maybeDone;
    if (this.#dropped.has(packet)) {
      done?.();
      return;
    }
    this.#inFlight += 1;
    basePublish.call(this, packet, client, (error) => {
      this.#inFlight -= 1;
      if (this.#inFlight === 0) for (const resolve of this.#onSettled.splice(0)) resolve();
      done?.(error);
    });
  }

  /** Resolves true once no publish is in flight (retained stored, offline queues filled), false on timeout. */
  publishesSettled(timeoutMs: number): Promise<boolean> {
    if (this.#inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#onSettled.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
