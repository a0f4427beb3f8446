// Test helper: WebSocket frames as a client sends them, built by hand so every header form is reachable
// (7-, 16- and 64-bit lengths, unmasked frames, reserved bits), for tests that write raw bytes to the broker
// or to a ws Receiver.
import { randomBytes } from 'node:crypto';

export interface ClientFrame {
  fin: boolean;
  opcode: number;
  payload: Uint8Array;
  /** Masked with a random key, as a client must (the default). */
  masked?: boolean;
  rsv1?: boolean;
  /** Send the length in the 64-bit form even when it fits in less. */
  long?: boolean;
}

export function encodeClientFrame({ fin, opcode, payload, masked = true, rsv1 = false, long = false }: ClientFrame): Buffer {
  const length = payload.length;
  const lengthBytes = long || length > 0xffff ? 8 : length >= 126 ? 2 : 0;
  const header = Buffer.alloc(2 + lengthBytes + (masked ? 4 : 0));
  header[0] = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
  header[1] = (masked ? 0x80 : 0) | (lengthBytes === 8 ? 127 : lengthBytes === 2 ? 126 : length);
  if (lengthBytes === 2) header.writeUInt16BE(length, 2);
  if (lengthBytes === 8) header.writeBigUInt64BE(BigInt(length), 2);
  const body = Buffer.from(payload);
  if (masked) {
    const mask = randomBytes(4);
    mask.copy(header, 2 + lengthBytes);
    for (let i = 0; i < body.length; i++) body[i] = (body[i] as number) ^ (mask[i & 3] as number);
  }
  return Buffer.concat([header, body]);
}
