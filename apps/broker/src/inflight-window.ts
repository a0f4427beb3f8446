// Counts the QoS 1 and 2 PUBLISH packets the broker wrote to one client and the client has not yet
// acknowledged (PUBACK for QoS 1, PUBCOMP for QoS 2), from the first byte of each packet on the wire.
//
// aedes 1.x bounds the other direction (its `maxInflightInbound`: QoS 2 PUBLISHes from a client awaiting
// PUBREL) but not this one, and MQTT 3.1.1 has no Receive Maximum to tell a client to slow down. A client
// that stops acknowledging would make its persistent session's store grow and keep re-deliveries piling
// up, so the broker closes the connection once more than `max` are unacknowledged. Closing rather than
// dropping keeps QoS promises: a persistent session gets the messages again when it reconnects.

const PUBLISH = 3;
const PUBACK = 4;
const PUBCOMP = 7;

export class OutboundInflight {
  #unacknowledged = 0;

  constructor(readonly max: number) {}

  /** Notes a packet written to the client; true once more than `max` are unacknowledged. */
  sent(firstByte: number): boolean {
    const qos = (firstByte >> 1) & 0x03;
    if (firstByte >> 4 === PUBLISH && qos > 0) this.#unacknowledged += 1;
    return this.#unacknowledged > this.max;
  }

  /** Notes a packet read from the client. */
  received(firstByte: number): void {
    const type = firstByte >> 4;
    if ((type === PUBACK || type === PUBCOMP) && this.#unacknowledged > 0) this.#unacknowledged -= 1;
  }

  get unacknowledged(): number {
    return this.#unacknowledged;
  }
}
