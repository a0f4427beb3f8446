// Counts the QoS 1 and 2 PUBLISH packets the broker wrote to one client and the client has not yet
// acknowledged (PUBACK for QoS 1, PUBCOMP for QoS 2), from the first byte of each packet on the wire.
//
// aedes 1.x bounds the other direction (its `maxInflightInbound`: QoS 2 PUBLISHes from a client awaiting
// PUBREL) but not this one, and MQTT 3.1.1 has no Receive Maximum to tell a client to slow down. A client
// that stops acknowledging would make its persistent session's store grow and keep re-deliveries piling
// up, so the broker closes the connection once more than `max` are unacknowledged AND the client has not
// acknowledged anything for `stallMs`. The second condition matters: on reconnect aedes sends a persistent
// session's whole queue at once, far more than `max`, to a client that is acknowledging as fast as it
// can; closing it then would close it on every reconnect and the queue would never drain. Closing rather
// than dropping keeps QoS promises: a persistent session gets the messages again when it reconnects.

const PUBLISH = 3;
const PUBACK = 4;
const PUBCOMP = 7;

const performanceNow = () => performance.now();

export class OutboundInflight {
  #unacknowledged = 0;
  #lastAcknowledgedAt: number;

  /**
   * @param max unacknowledged messages allowed before the stall check applies.
   * @param stallMs how long a client over `max` may go without acknowledging anything.
   * @param now milliseconds clock; tests pass their own.
   */
  constructor(
    readonly max: number,
    readonly stallMs = 10_000,
    private readonly now: () => number = performanceNow,
  ) {
    this.#lastAcknowledgedAt = now();
  }

  /** Notes a packet written to the client; true when the client should be closed for not acknowledging. */
  sent(firstByte: number): boolean {
    const qos = (firstByte >> 1) & 0x03;
    if (firstByte >> 4 === PUBLISH && qos > 0) this.#unacknowledged += 1;
    return this.#unacknowledged > this.max && this.now() - this.#lastAcknowledgedAt >= this.stallMs;
  }

  /** Notes a packet read from the client. */
  received(firstByte: number): void {
    const type = firstByte >> 4;
    if ((type === PUBACK || type === PUBCOMP) && this.#unacknowledged > 0) {
      this.#unacknowledged -= 1;
      this.#lastAcknowledgedAt = this.now();
    }
  }

  get unacknowledged(): number {
    return this.#unacknowledged;
  }

  /** Milliseconds since the client last acknowledged a message (or since the connection opened). */
  get stalledMs(): number {
    return this.now() - this.#lastAcknowledgedAt;
  }
}
