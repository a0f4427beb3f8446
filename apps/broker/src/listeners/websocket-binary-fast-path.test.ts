import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { encodeClientFrame, type ClientFrame } from '../testing/websocket-frames.js';
import { useBinaryFrameFastPath, useBinaryFrameFastPathFor } from './websocket-binary-fast-path.js';

interface ReceiverOptions {
  isServer: boolean;
  maxPayload?: number;
  binaryType?: 'nodebuffer' | 'arraybuffer';
  allowSynchronousEvents?: boolean;
}
/** ws exports its frame parser (ws/lib/receiver.js) at run time; @types/ws does not declare it. */
const { Receiver } = ws as unknown as { Receiver: new (options: ReceiverOptions) => Writable };
type Receiver = Writable;

/**
 * Everything a receiver reports. The data is kept as given and read only in `events()`, after the last write,
 * so a message overwritten after it was emitted shows; consecutive messages of one kind are joined there (the
 * fast path joins frames).
 */
function observe(receiver: Receiver) {
  const seen: { kind: string; data: Buffer | ArrayBuffer }[] = [];
  let writing = false;
  // Whether an event came during write() or in a later turn, and a message's type, are part of what is compared.
  const when = () => (writing ? '@write' : '@later');
  receiver.on('message', (data: Buffer | ArrayBuffer, isBinary: boolean) =>
    seen.push({ kind: `message:${isBinary ? 'binary' : 'text'}:${data instanceof ArrayBuffer ? 'ArrayBuffer' : 'Buffer'}${when()}`, data }),
  );
  receiver.on('ping', (data: Buffer) => seen.push({ kind: `ping${when()}`, data }));
  receiver.on('pong', (data: Buffer) => seen.push({ kind: `pong${when()}`, data }));
  receiver.on('conclude', (code: number, reason: Buffer) => seen.push({ kind: `conclude:${String(code)}${when()}`, data: reason }));
  receiver.on('error', (error: Error & { code?: string }) => seen.push({ kind: `error:${String(error.code)}${when()}`, data: Buffer.alloc(0) }));
  return {
    write(chunk: Buffer) {
      writing = true;
      receiver.write(chunk);
      writing = false;
    },
    count: () => seen.length,
    events() {
      const events: { kind: string; data: Buffer }[] = [];
      for (const { kind, data } of seen) {
        const bytes = Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data);
        const last = events.at(-1);
        if (last && last.kind === kind && kind.startsWith('message')) last.data = Buffer.concat([last.data, bytes]);
        else events.push({ kind, data: bytes });
      }
      return events;
    },
  };
}

/**
 * Writes `bytes` to a plain ws Receiver and to one with the fast path, cut into the same chunks, ends both, and
 * returns what each reported once nothing more comes (errors, and every event without allowSynchronousEvents,
 * come in later turns).
 */
async function receiveBoth(bytes: Buffer, cuts: number[], options: Omit<ReceiverOptions, 'isServer'> = {}) {
  const plain = new Receiver({ isServer: true, ...options });
  const fast = new Receiver({ isServer: true, ...options });
  expect(useBinaryFrameFastPath(fast)).toBe(true);
  const plainEvents = observe(plain);
  const fastEvents = observe(fast);
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  let start = 0;
  for (const point of [...points, bytes.length]) {
    if (point <= start) continue;
    // Each receiver gets its own copy: both unmask in place.
    plainEvents.write(Buffer.from(bytes.subarray(start, point)));
    fastEvents.write(Buffer.from(bytes.subarray(start, point)));
    start = point;
  }
  plain.end();
  fast.end();
  for (let quiet = 0, last = -1; quiet < 3; ) {
    await nextTurn();
    const count = plainEvents.count() + fastEvents.count();
    quiet = count === last ? quiet + 1 : 0;
    last = count;
  }
  return { plainEvents: plainEvents.events(), fastEvents: fastEvents.events() };
}

const payload = (max: number) => fc.uint8Array({ minLength: 0, maxLength: max });
const binary = payload(300).map((bytes): ClientFrame => ({ fin: true, opcode: 2, payload: bytes }));
const mediumBinary = fc.integer({ min: 126, max: 70_000 }).map((length): ClientFrame => ({ fin: true, opcode: 2, payload: randomBytes(length) }));
const frame: fc.Arbitrary<ClientFrame[]> = fc.oneof(
  { weight: 12, arbitrary: binary.map((f) => [f]) },
  { weight: 2, arbitrary: mediumBinary.map((f) => [f]) },
  { weight: 1, arbitrary: payload(125).map((bytes) => [{ fin: true, opcode: 9, payload: bytes }]) },
  { weight: 1, arbitrary: payload(125).map((bytes) => [{ fin: true, opcode: 10, payload: bytes }]) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((text) => [{ fin: true, opcode: 1, payload: Buffer.from(text) }]) },
  { weight: 1, arbitrary: payload(300).map((bytes) => [{ fin: true, opcode: 2, payload: bytes, long: true }]) },
  {
    weight: 1,
    // A binary message in fragments, a ping between them.
    arbitrary: fc.tuple(payload(100), payload(100), payload(20)).map(([a, b, ping]) => [
      { fin: false, opcode: 2, payload: a },
      { fin: true, opcode: 9, payload: ping },
      { fin: true, opcode: 0, payload: b },
    ]),
  },
);

/** maxPayload around the frame sizes used (0 = none), and the receiver settings the fast path must leave to ws. */
const receiverOptions = fc.record({
  maxPayload: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 400 })),
  binaryType: fc.constantFrom('nodebuffer' as const, 'nodebuffer' as const, 'arraybuffer' as const),
  allowSynchronousEvents: fc.constantFrom(true, true, false),
});

describe('useBinaryFrameFastPath', () => {
  it('reports exactly what ws reports for any frames cut into any chunks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 12 }), receiverOptions, async (frames, cuts, options) => {
        const bytes = Buffer.concat(frames.flat().map(encodeClientFrame));
        const { plainEvents, fastEvents } = await receiveBoth(bytes, cuts, options);
        expect(fastEvents).toEqual(plainEvents);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with ws at every cut point, and one byte at a time', async () => {
    const bytes = Buffer.concat(
      [
        { fin: true, opcode: 2, payload: randomBytes(5) },
        { fin: true, opcode: 2, payload: randomBytes(200) },
        { fin: true, opcode: 9, payload: randomBytes(3) },
        { fin: true, opcode: 2, payload: randomBytes(130), long: true },
        { fin: true, opcode: 2, payload: randomBytes(3) },
      ].map(encodeClientFrame),
    );
    for (let cut = 1; cut < bytes.length; cut++) {
      const { plainEvents, fastEvents } = await receiveBoth(bytes, [cut]);
      expect(fastEvents, `cut at ${String(cut)}`).toEqual(plainEvents);
    }
    const { plainEvents, fastEvents } = await receiveBoth(bytes, Array.from(bytes.keys()));
    expect(fastEvents).toEqual(plainEvents);
    expect(fastEvents.map(({ kind }) => kind)).toEqual(['message:binary:Buffer@write', 'ping@write', 'message:binary:Buffer@write']);
  });

  it('joins the payloads of consecutive binary frames into one message per chunk', () => {
    const payloads = Array.from({ length: 50 }, (_, i) => randomBytes(i * 7));
    const fast = new Receiver({ isServer: true });
    useBinaryFrameFastPath(fast);
    const messages: Buffer[] = [];
    fast.on('message', (data: Buffer) => messages.push(Buffer.from(data)));
    fast.write(Buffer.concat(payloads.map((bytes) => encodeClientFrame({ fin: true, opcode: 2, payload: bytes }))));
    expect(messages).toEqual([Buffer.concat(payloads)]);
  });

  it.each([
    ['a close frame', [{ fin: true, opcode: 8, payload: Buffer.from([0x03, 0xe8]) }, { fin: true, opcode: 2, payload: Buffer.from('after close') }]],
    ['an unmasked frame', [{ fin: true, opcode: 2, payload: Buffer.from('first') }, { fin: true, opcode: 2, payload: Buffer.from('bare'), masked: false }]],
    ['a reserved bit', [{ fin: true, opcode: 2, payload: Buffer.from('first') }, { fin: true, opcode: 2, payload: Buffer.from('rsv'), rsv1: true }]],
    ['an unknown opcode', [{ fin: true, opcode: 2, payload: Buffer.from('first') }, { fin: true, opcode: 3, payload: Buffer.from('?') }]],
    ['a continuation with no message', [{ fin: true, opcode: 0, payload: Buffer.from('orphan') }]],
  ] satisfies [string, ClientFrame[]][])('leaves %s to ws, which handles it as it would alone', async (_name, frames) => {
    const bytes = Buffer.concat(frames.map(encodeClientFrame));
    const { plainEvents, fastEvents } = await receiveBoth(bytes, []);
    expect(plainEvents.some(({ kind }) => kind.startsWith('error') || kind.startsWith('conclude'))).toBe(true);
    expect(fastEvents).toEqual(plainEvents);
  });

  it('leaves a frame larger than maxPayload to ws, which fails it with 1009', async () => {
    const bytes = Buffer.concat([
      encodeClientFrame({ fin: true, opcode: 2, payload: Buffer.from('small') }),
      encodeClientFrame({ fin: true, opcode: 2, payload: randomBytes(1000) }),
      encodeClientFrame({ fin: true, opcode: 2, payload: randomBytes(2000) }),
    ]);
    const { plainEvents, fastEvents } = await receiveBoth(bytes, [3, 700], { maxPayload: 1000 });
    expect(fastEvents).toEqual(plainEvents);
    expect(fastEvents.map(({ kind }) => kind)).toEqual(['message:binary:Buffer@write', 'error:WS_ERR_UNSUPPORTED_MESSAGE_LENGTH@later']);
    expect(fastEvents[0]?.data.length).toBe(1005);
  });

  it("fits the receiver of a ws server connection (fails when a ws upgrade changes it), and carries a client's messages", async () => {
    const server = new ws.WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    const accepted = once(server, 'connection') as Promise<[ws.WebSocket]>;
    const client = new ws.WebSocket(`ws://127.0.0.1:${String((server.address() as AddressInfo).port)}`);
    await once(client, 'open');
    const [connection] = await accepted;
    try {
      expect(useBinaryFrameFastPathFor(connection)).toBe(true);
      const received: Buffer[] = [];
      connection.on('message', (data: Buffer) => received.push(Buffer.from(data)));
      const sent = Array.from({ length: 100 }, (_, i) => randomBytes(i * 3));
      for (const message of sent) client.send(message);
      const pong = once(client, 'pong');
      client.ping('still there?');
      await pong;
      expect(Buffer.concat(received)).toEqual(Buffer.concat(sent));
      // Sent in one turn, the frames reach the server together and are joined.
      expect(received.length).toBeLessThan(sent.length);
    } finally {
      client.terminate();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('keeps a small cut-off frame for the next chunk, and leaves a large one, or one still cut off, to ws', () => {
    const receiverState = (receiver: Receiver) => receiver as unknown as { _state: number; _bufferedBytes: number };
    const small = encodeClientFrame({ fin: true, opcode: 2, payload: randomBytes(300) });
    const keeper = new Receiver({ isServer: true });
    useBinaryFrameFastPath(keeper);
    keeper.write(Buffer.from(small.subarray(0, 50)));
    expect(receiverState(keeper)).toMatchObject({ _state: 0, _bufferedBytes: 0 });
    keeper.write(Buffer.from(small.subarray(50, 60)));
    expect(receiverState(keeper)._state, 'ws reads the rest of the frame').not.toBe(0);

    const large = encodeClientFrame({ fin: true, opcode: 2, payload: randomBytes(3000) });
    const handsOver = new Receiver({ isServer: true });
    useBinaryFrameFastPath(handsOver);
    handsOver.write(Buffer.from(large.subarray(0, 100)));
    expect(receiverState(handsOver)._state, 'ws reads the frame').not.toBe(0);
  });

  it('is for a server connection only: a client receiver must refuse masked frames', () => {
    expect(useBinaryFrameFastPath(new Receiver({ isServer: false }))).toBe(false);
  });

  it('changes nothing on something that is not a ws Receiver', () => {
    const notReceiver = new Receiver({ isServer: true });
    delete (notReceiver as unknown as { _state?: number })._state;
    const write = (notReceiver as unknown as { _write: unknown })._write;
    expect(useBinaryFrameFastPath(notReceiver)).toBe(false);
    expect((notReceiver as unknown as { _write: unknown })._write).toBe(write);
  });
});
