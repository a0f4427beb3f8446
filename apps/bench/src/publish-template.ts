// Pre-encoded PUBLISH packets: mqtt-packet generates the packet once, then each message only patches its
// send time, sequence number and (QoS 1) packet identifier in place, so the load generator spends no time
// encoding. The payload starts with a 16-byte stamp the subscribers read back to measure latency.
import { generate } from 'mqtt-packet';

/** Bytes at the start of every payload: send time (8, hrtime ns), publisher index (4), sequence (4). */
export const stampSize = 16;

export interface PublishTemplateOptions {
  topic: string;
  qos: 0 | 1;
  /** Payload bytes, at least `stampSize`. */
  payloadSize: number;
  /** Which publisher sends it (written into the stamp). */
  publisher: number;
}

export interface Stamp {
  /** process.hrtime.bigint() when the message was handed to the socket. */
  sentNs: bigint;
  publisher: number;
  sequence: number;
}

/** One encoded PUBLISH packet with the offsets of the bytes that change from one message to the next. */
export class PublishTemplate {
  readonly packet: Buffer;
  readonly payloadOffset: number;
  /** Where the 2-byte packet identifier is (QoS 1), or -1 at QoS 0. */
  readonly messageIdOffset: number;

  constructor(options: PublishTemplateOptions) {
    if (options.payloadSize < stampSize) throw new Error(`payload size ${String(options.payloadSize)} is below the ${String(stampSize)}-byte stamp`);
    const payload = Buffer.alloc(options.payloadSize, 'x');
    payload.writeUInt32BE(options.publisher, 8);
    const packet = generate({
      cmd: 'publish',
      topic: options.topic,
      payload,
      qos: options.qos,
      dup: false,
      retain: false,
      ...(options.qos > 0 ? { messageId: 1 } : {}),
    });
    this.packet = packet;
    this.payloadOffset = packet.length - options.payloadSize;
    this.messageIdOffset = options.qos > 0 ? this.payloadOffset - 2 : -1;
  }

  /** A copy of the packet, so several can be in a socket's queue at once. */
  copy(): Buffer {
    return Buffer.from(this.packet);
  }

  /** Patches `packet` (this template's bytes or a copy) for message `sequence` sent at `sentNs`. */
  stamp(packet: Buffer, sequence: number, sentNs: bigint): Buffer {
    packet.writeBigUInt64BE(sentNs, this.payloadOffset);
    packet.writeUInt32BE(sequence >>> 0, this.payloadOffset + 12);
    if (this.messageIdOffset >= 0) packet.writeUInt16BE(messageIdFor(sequence), this.messageIdOffset);
    return packet;
  }
}

/** The packet identifier of message `sequence`: 1..65535, cycling. */
export function messageIdFor(sequence: number): number {
  return (sequence % 65535) + 1;
}

/** Reads the stamp at the start of a received payload. */
export function readStamp(payload: Buffer): Stamp {
  return { sentNs: payload.readBigUInt64BE(0), publisher: payload.readUInt32BE(8), sequence: payload.readUInt32BE(12) };
}
