// A fast path in front of ws' frame parser for what MQTT clients send: complete, masked, unfragmented binary
// frames. ws' Receiver reads one frame at a time and emits a 'message' per frame, which then travels through
// the stream aedes reads as its own chunk; with one MQTT packet per frame (what clients send) that is paid
// per packet, where TCP pays once per socket read. MQTT over WebSocket is a byte stream (packets may span
// frames or share them: MQTT 3.1.1 section 6), so the broker needs the bytes, not the frame boundaries.
//
// For each chunk the socket hands to the receiver, the fast path unmasks the leading run of such frames into
// the front of the chunk (in place, as ws does) and emits their payloads as one binary 'message'. The first
// frame it does not take (control frames, text, fragments, reserved bits, 64-bit lengths, more than
// maxPayload, a missing mask) and everything after it go to ws' own _write, at a frame boundary, so ws still
// answers pings, runs the closing handshake and fails bad frames with its own codes; the fast path only
// steps in again once ws has nothing buffered. A small frame cut off at the end of a chunk is kept and
// completed with the next one; a large one, or one still not complete after the next chunk, goes to ws too,
// which collects its pieces without copying them again and again (a frame trickled in one byte at a time
// must not cost its size squared). One message may hold more than maxPayload bytes (it is many frames);
// maxPayload still holds for each frame. Profile and A/B figures: docs/performance.md, run 5.
import type { Writable } from 'node:stream';
import type { WebSocket } from 'ws';

/** The parts of ws' Receiver (ws/lib/receiver.js, ws 8.23) the fast path reads or replaces. */
interface ReceiverInternals extends Writable {
  _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void;
  _state: number;
  _bufferedBytes: number;
  _fragmented: number;
  _opcode: number;
  _errored: boolean;
  _maxPayload: number;
  _binaryType: string;
  _allowSynchronousEvents: boolean;
  _isServer: boolean;
  [kPartialFrame]?: Buffer | undefined;
}

const kPartialFrame = Symbol('gateway.partialFrame');
/** ws' GET_INFO: between frames. */
const betweenFrames = 0;
const closeOpcode = 0x08;
/** FIN set, no reserved bits, opcode 2 (binary). */
const finalBinaryFrame = 0x82;
const maskBit = 0x80;
/** The largest cut-off frame the fast path keeps for the next chunk (MQTT packets of a few hundred bytes are the common case). */
const keptFrameLimit = 1024;

function isReceiver(value: unknown): value is ReceiverInternals {
  const receiver = value as Partial<ReceiverInternals> | undefined;
  return (
    typeof receiver?._write === 'function' &&
    typeof receiver._state === 'number' &&
    typeof receiver._bufferedBytes === 'number' &&
    typeof receiver._fragmented === 'number' &&
    typeof receiver._opcode === 'number' &&
    typeof receiver._errored === 'boolean' &&
    typeof receiver._maxPayload === 'number' &&
    typeof receiver._binaryType === 'string' &&
    typeof receiver._allowSynchronousEvents === 'boolean' &&
    // Only a server's receiver: a client's must refuse masked frames, which the fast path takes.
    receiver._isServer === true
  );
}

/**
 * Puts the fast path in front of `receiver` (a ws Receiver of a server connection). Returns false, and
 * changes nothing, when the receiver does not look like the ws 8 one it was written for.
 */
export function useBinaryFrameFastPath(receiver: Writable): boolean {
  if (!isReceiver(receiver)) return false;
  receiver._write = fastPathWrite;
  return true;
}

/** useBinaryFrameFastPath for the receiver of a connected ws WebSocket. */
export function useBinaryFrameFastPathFor(ws: WebSocket): boolean {
  return useBinaryFrameFastPath((ws as unknown as { _receiver: Writable })._receiver);
}

function wsWrite(receiver: ReceiverInternals, data: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
  (Object.getPrototypeOf(receiver) as ReceiverInternals)._write.call(receiver, data, encoding, callback);
}

function fastPathWrite(this: ReceiverInternals, chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
  // The property exists only on receivers that have had a frame cut off (one property less per idle connection).
  const partial = this[kPartialFrame];
  let data = chunk;
  if (partial !== undefined) {
    data = Buffer.concat([partial, chunk]);
    this[kPartialFrame] = undefined;
  }
  if (
    this._state !== betweenFrames ||
    this._bufferedBytes !== 0 ||
    this._fragmented !== 0 ||
    this._opcode === closeOpcode ||
    this._errored ||
    this._binaryType !== 'nodebuffer' ||
    !this._allowSynchronousEvents
  ) {
    wsWrite(this, data, encoding, callback);
    return;
  }
  const maxPayload = this._maxPayload;
  const end = data.length;
  let read = 0;
  let written = 0;
  let handOff = false;
  /** The whole size of a frame cut off by the end of the chunk, once its header has been read. */
  let cutOffFrame = 0;
  while (end - read >= 2) {
    const second = data[read + 1] as number;
    if (data[read] !== finalBinaryFrame || (second & maskBit) === 0) {
      handOff = true;
      break;
    }
    let length = second & 0x7f;
    let payload = read + 6;
    if (length === 126) {
      if (end - read < 4) break;
      length = data.readUInt16BE(read + 2);
      payload = read + 8;
    } else if (length === 127) {
      handOff = true;
      break;
    }
    if (maxPayload > 0 && length > maxPayload) {
      handOff = true;
      break;
    }
    if (payload + length > end) {
      cutOffFrame = payload + length - read;
      break;
    }
    // The output never overtakes the input (written <= read), so unmasking into the front of the chunk
    // only overwrites bytes already read; the mask is read first, as the output may reach it.
    const m0 = data[payload - 4] as number;
    const m1 = data[payload - 3] as number;
    const m2 = data[payload - 2] as number;
    const m3 = data[payload - 1] as number;
    let i = 0;
    for (; i + 3 < length; i += 4) {
      data[written + i] = (data[payload + i] as number) ^ m0;
      data[written + i + 1] = (data[payload + i + 1] as number) ^ m1;
      data[written + i + 2] = (data[payload + i + 2] as number) ^ m2;
      data[written + i + 3] = (data[payload + i + 3] as number) ^ m3;
    }
    for (; i < length; i++) data[written + i] = (data[payload + i] as number) ^ ((i & 3) === 0 ? m0 : (i & 3) === 1 ? m1 : m2);
    written += length;
    read = payload + length;
  }
  // `read` moves only past frames taken, so read > 0 means at least one (possibly empty) was.
  if (read > 0) this.emit('message', data.subarray(0, written), true);
  // A frame cut off by the end of the chunk: ws takes a large one, or one the kept piece and this whole chunk
  // did not complete; a small one is kept as a copy (the chunk now holds the message's bytes).
  if (handOff || (read < end && (cutOffFrame > keptFrameLimit || (partial !== undefined && read === 0)))) {
    wsWrite(this, data.subarray(read), encoding, callback);
    return;
  }
  if (read < end) this[kPartialFrame] = Buffer.from(data.subarray(read));
  callback();
}
