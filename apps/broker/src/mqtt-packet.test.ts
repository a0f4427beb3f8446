// mqtt-packet as aedes uses it for every client, with the gateway's patches (patches/mqtt-packet@9.0.2.patch,
// patches/bl@6.1.6.patch): its Parser over bl's BufferList, whose patch answers reads, slices and strings
// within the first buffer from that buffer directly, and generate(), whose patch reuses one accumulator.
// These tests hold both to what the unpatched code gives, for any buffers, ranges, cut points and packets.
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { generate, parser as createParser, writeToStream, type IPublishPacket, type Packet } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';

type ReadMethod = 'readUInt8' | 'readInt8' | 'readUInt16BE' | 'readUInt16LE' | 'readInt16BE' | 'readUInt32BE' | 'readInt32LE' | 'readFloatBE' | 'readDoubleLE';
type BufferListLike = Record<ReadMethod, (offset: number) => number> & {
  append(buffer: Buffer): BufferListLike;
  copy(target: Buffer | null, targetStart: number, start?: number, end?: number): Buffer;
  consume(bytes: number): BufferListLike;
  slice(start?: number, end?: number): Buffer;
  toString(encoding?: BufferEncoding, start?: number, end?: number): string;
  length: number;
};

// bl as mqtt-packet itself resolves it (the broker has no dependency of its own on bl).
const requireFromMqttPacket = createRequire(createRequire(import.meta.url).resolve('mqtt-packet'));
const { BufferList } = requireFromMqttPacket('bl') as { BufferList: new () => BufferListLike };

const reads: [ReadMethod, number][] = [
  ['readUInt8', 1],
  ['readInt8', 1],
  ['readUInt16BE', 2],
  ['readUInt16LE', 2],
  ['readInt16BE', 2],
  ['readUInt32BE', 4],
  ['readInt32LE', 4],
  ['readFloatBE', 4],
  ['readDoubleLE', 8],
];

describe("bl's BufferList, as patched", () => {
  it('reads, slices and decodes what one Buffer of the same bytes would, for any buffers, ranges and consumed prefix', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 5 }),
        fc.nat(24),
        fc.nat(40),
        fc.nat(40),
        (chunks, consumed, a, b) => {
          // Ranges with an end before their start are left out: unpatched bl answers those oddly (from the end).
          const [from, to] = a <= b ? [a, b] : [b, a];
          const list = new BufferList();
          for (const chunk of chunks) list.append(Buffer.from(chunk));
          list.consume(consumed);
          const whole = Buffer.concat(chunks).subarray(consumed);
          expect(list.length).toBe(whole.length);
          expect(list.slice(from, to).toString('hex')).toBe(whole.subarray(from, to).toString('hex'));
          expect(list.toString('hex', from, to)).toBe(whole.subarray(from, to).toString('hex'));
          for (const [method, size] of reads) {
            for (let offset = 0; offset + size <= whole.length; offset++) expect(Object.is(list[method](offset), whole[method](offset))).toBe(true);
            if (whole.length - size + 1 >= 0) expect(() => list[method](whole.length - size + 1)).toThrow(RangeError);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

const publishPacket = fc.record({
  topic: fc.string({ minLength: 1, maxLength: 40 }).filter((topic) => !/[#+]/.test(topic)),
  payload: fc.uint8Array({ maxLength: 300 }),
  qos: fc.constantFrom(0, 1, 2),
  retain: fc.boolean(),
  messageId: fc.integer({ min: 1, max: 65_535 }),
});

describe("bl's BufferList where its patch steps aside", () => {
  it('returns its own buffer for the whole list, and takes negative and fractional offsets as unpatched bl does', () => {
    const list = new BufferList();
    list.append(Buffer.from([1, 2, 3, 4]));
    // Unpatched bl hands out the list's own buffer (no new view) when asked for everything.
    expect(list.slice(0, list.length)).toBe(list.slice());
    // copy() reads a negative start as 0; Buffer.slice would count it from the end.
    expect(list.copy(null, 0, -2, 3).toString('hex')).toBe('010203');
    // A fractional offset goes through a slice, which truncates it; Buffer's reads refuse it.
    expect(list.readUInt8(1.5)).toBe(2);
  });
});

describe("mqtt-packet's parser over it", () => {
  it('parses packets written back to back, cut into any chunks, into the packets that were written', () => {
    fc.assert(
      fc.property(fc.array(publishPacket, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(4000), { maxLength: 12 }), (packets, cuts) => {
        const sent = packets.map(({ topic, payload, qos, retain, messageId }) => ({
          cmd: 'publish' as const,
          topic,
          payload: Buffer.from(payload),
          qos,
          retain,
          dup: false,
          ...(qos > 0 ? { messageId } : {}),
        }));
        const bytes = Buffer.concat(sent.map((packet) => generate(packet)));
        const parser = createParser({ protocolVersion: 4 });
        const parsed: Packet[] = [];
        const errors: Error[] = [];
        parser.on('packet', (packet: Packet) => parsed.push(packet));
        parser.on('error', (error: Error) => errors.push(error));
        const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
        let start = 0;
        for (const point of [...points, bytes.length]) {
          if (point > start) parser.parse(bytes.subarray(start, point));
          start = Math.max(start, point);
        }
        expect(errors).toEqual([]);
        expect(
          parsed.map((packet) => {
            const { topic, payload, qos, retain, dup, messageId } = packet as IPublishPacket;
            return { cmd: packet.cmd, topic, payload: Buffer.from(payload as Buffer), qos, retain, dup, ...(qos > 0 ? { messageId } : {}) };
          }),
        ).toEqual(sent);
      }),
      { numRuns: 300 },
    );
  });
});

/** What unpatched generate() returned: writeToStream's chunks, joined (strings as UTF-8); throws what it reports. */
function generatedByWriteToStream(packet: Packet): Buffer {
  const chunks: Buffer[] = [];
  const collector = {
    write: (chunk: Buffer | string) => chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk) > 0,
    destroy: (error?: Error) => {
      if (error) throw error;
    },
  };
  writeToStream(packet, collector as unknown as Parameters<typeof writeToStream>[1]);
  return Buffer.concat(chunks);
}

describe("mqtt-packet's generate(), as patched", () => {
  const anyPacket: fc.Arbitrary<Packet> = fc.oneof(
    publishPacket.map(({ topic, payload, qos, retain, messageId }): Packet => ({ cmd: 'publish', topic, payload: Buffer.from(payload), qos, retain, dup: false, messageId })),
    fc.integer({ min: 1, max: 65_535 }).map((messageId): Packet => ({ cmd: 'puback', messageId })),
    fc.array(fc.constantFrom(0, 1, 2, 128), { minLength: 1, maxLength: 5 }).map((granted): Packet => ({ cmd: 'suback', messageId: 7, granted })),
    fc.constantFrom<Packet>({ cmd: 'pingresp' }, { cmd: 'connack', returnCode: 0, sessionPresent: true }),
    // generate() throws for these, before writing anything (a topic that is not a string) or after writing the
    // first pieces (a field that cannot be read), and must leave nothing behind for the next packet.
    fc.constantFrom<Packet>(
      { cmd: 'publish', topic: 42 as unknown as string, payload: Buffer.from('x'), qos: 0, retain: false, dup: false },
      {
        cmd: 'connack',
        returnCode: 0,
        get sessionPresent(): boolean {
          throw new Error('sessionPresent cannot be read');
        },
      },
    ),
  );

  it('gives every packet of any sequence, valid or not, the bytes (or the error) unpatched generate() gave it', () => {
    fc.assert(
      fc.property(fc.array(anyPacket, { minLength: 1, maxLength: 10 }), (packets) => {
        for (const packet of packets) {
          let expected: Buffer | Error;
          try {
            expected = generatedByWriteToStream(packet);
          } catch (error) {
            expected = error as Error;
          }
          if (expected instanceof Error) expect(() => generate(packet)).toThrow(expected.message);
          else expect(generate(packet).toString('hex')).toBe(expected.toString('hex'));
        }
      }),
      { numRuns: 300 },
    );
  });
});
