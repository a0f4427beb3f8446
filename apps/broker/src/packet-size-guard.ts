// Streaming check of MQTT packet sizes: follows fixed headers (type byte + remaining-length varint) across
// chunk boundaries and skips over bodies by counting, so oversized packets are spotted without buffering.
// It also reports each packet's first byte (type and flags), which the in-flight limit counts.

export type PacketSizeVerdict =
  | { ok: true }
  | { ok: false; reason: 'oversized'; packetSize: number; maxPacketSize: number }
  | { ok: false; reason: 'malformed'; detail: string };

const OK: PacketSizeVerdict = { ok: true };
/** MQTT 3.1.1 §2.2.3: the remaining length takes at most four bytes. */
const MAX_LENGTH_BYTES = 4;

/** Tracks one connection's byte stream; feed it every chunk in order. */
export class PacketSizeGuard {
  #state: 'type' | 'length' | 'body' = 'type';
  #length = 0;
  #multiplier = 1;
  #lengthBytes = 0;
  #bodyLeft = 0;
  #firstByte = 0;
  #failure: PacketSizeVerdict | undefined;

  /**
   * @param maxPacketSize the largest whole packet (fixed header + remaining length) allowed, in bytes.
   * @param onPacket called, as a method of the guard, with the first byte of each packet whose fixed header passed the check.
   */
  constructor(
    readonly maxPacketSize: number,
    private readonly onPacket?: (this: PacketSizeGuard, firstByte: number) => void,
  ) {}

  /** Advances over `chunk`; once a verdict is not ok, every later call returns it again. */
  check(chunk: Uint8Array): PacketSizeVerdict {
    if (this.#failure) return this.#failure;
    let index = 0;
    while (index < chunk.length) {
      if (this.#state === 'body') {
        const skipped = Math.min(this.#bodyLeft, chunk.length - index);
        index += skipped;
        this.#bodyLeft -= skipped;
        if (this.#bodyLeft === 0) this.#state = 'type';
      } else if (this.#state === 'type') {
        this.#firstByte = chunk[index] ?? 0;
        index += 1;
        this.#state = 'length';
        this.#length = 0;
        this.#multiplier = 1;
        this.#lengthBytes = 0;
      } else {
        const byte = chunk[index] ?? 0;
        index += 1;
        this.#length += (byte & 0x7f) * this.#multiplier;
        this.#multiplier *= 128;
        this.#lengthBytes += 1;
        if (byte & 0x80) {
          if (this.#lengthBytes === MAX_LENGTH_BYTES) {
            return (this.#failure = { ok: false, reason: 'malformed', detail: 'remaining length longer than 4 bytes' });
          }
          continue;
        }
        const packetSize = 1 + this.#lengthBytes + this.#length;
        if (packetSize > this.maxPacketSize) {
          return (this.#failure = { ok: false, reason: 'oversized', packetSize, maxPacketSize: this.maxPacketSize });
        }
        this.onPacket?.(this.#firstByte);
        this.#bodyLeft = this.#length;
        this.#state = this.#bodyLeft === 0 ? 'type' : 'body';
      }
    }
    return OK;
  }
}
