import { generate } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { PacketSizeGuard } from './packet-size-guard.js';

function publish(payloadBytes: number): Buffer {
  return generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(payloadBytes), qos: 0, dup: false, retain: false });
}

function feedBytewise(guard: PacketSizeGuard, data: Buffer) {
  let verdict = guard.check(new Uint8Array(0));
  for (const byte of data) {
    verdict = guard.check(Uint8Array.of(byte));
    if (!verdict.ok) return verdict;
  }
  return verdict;
}

describe('PacketSizeGuard', () => {
  it('accepts a stream of packets at and below the limit, whatever the chunking', () => {
    const atLimit = publish(100);
    const stream = Buffer.concat([publish(0), atLimit, generate({ cmd: 'pingreq' }), publish(10)]);
    expect(new PacketSizeGuard(atLimit.length).check(stream)).toEqual({ ok: true });
    expect(feedBytewise(new PacketSizeGuard(atLimit.length), stream)).toEqual({ ok: true });
    for (let cut = 1; cut < stream.length; cut += 7) {
      const guard = new PacketSizeGuard(atLimit.length);
      expect(guard.check(stream.subarray(0, cut))).toEqual({ ok: true });
      expect(guard.check(stream.subarray(cut))).toEqual({ ok: true });
    }
  });

  it('refuses a packet one byte over the limit as soon as its header is read', () => {
    const packet = publish(300); // remaining length needs two varint bytes
    const guard = new PacketSizeGuard(packet.length - 1);
    expect(guard.check(packet.subarray(0, 3))).toEqual({ ok: false, reason: 'oversized', packetSize: packet.length, maxPacketSize: packet.length - 1 });
    expect(guard.check(packet.subarray(3)).ok).toBe(false);
  });

  it('reads a varint split across chunks', () => {
    const packet = publish(20_000); // three varint bytes
    const guard = new PacketSizeGuard(1000);
    expect(guard.check(packet.subarray(0, 2))).toEqual({ ok: true });
    expect(guard.check(packet.subarray(2, 3))).toEqual({ ok: true });
    expect(guard.check(packet.subarray(3, 4))).toMatchObject({ ok: false, reason: 'oversized', packetSize: packet.length });
  });

  it('finds an oversized packet after normal ones in the same chunk', () => {
    const guard = new PacketSizeGuard(200);
    expect(guard.check(Buffer.concat([publish(10), publish(10), publish(500)]))).toMatchObject({ reason: 'oversized' });
  });

  it('refuses a remaining length longer than four bytes', () => {
    const guard = new PacketSizeGuard(Number.MAX_SAFE_INTEGER);
    expect(guard.check(Buffer.from([0x30, 0xff, 0xff]))).toEqual({ ok: true });
    expect(guard.check(Buffer.from([0xff, 0xff, 0x01]))).toEqual({ ok: false, reason: 'malformed', detail: 'remaining length longer than 4 bytes' });
  });

  it('accepts the largest four-byte remaining length when the limit allows it', () => {
    const guard = new PacketSizeGuard(Number.MAX_SAFE_INTEGER);
    expect(guard.check(Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]))).toEqual({ ok: true });
    expect(new PacketSizeGuard(1024).check(Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]))).toMatchObject({ packetSize: 268_435_455 + 5 });
  });
});

describe('PacketSizeGuard packet reports', () => {
  it('reports the first byte of each packet, whatever the chunking', () => {
    const stream = Buffer.concat([
      generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(300), qos: 1, messageId: 7, dup: false, retain: false }),
      generate({ cmd: 'puback', messageId: 7 }),
      generate({ cmd: 'pingreq' }),
    ]);
    const seen: number[] = [];
    const guard = new PacketSizeGuard(1024, (firstByte) => seen.push(firstByte));
    for (const byte of stream) guard.check(Uint8Array.of(byte));
    expect(seen).toEqual([0x32, 0x40, 0xc0]);
  });
});
